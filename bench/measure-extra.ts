// Measurements the peers harness does not make, written as JSON for bench/report.ts:
//
//   sample --run-dir DIR --out FILE [--interval MS] [--external postgres,nats-server]
//       peak RSS per program of the peer whose state is DIR/peer (the harness's work dir),
//       while storescu runs and overall, until SIGTERM; optionally the CPU that the shared
//       PostgreSQL / NATS servers use meanwhile (cluster mode: they are outside the tree)
//   caps --label L --port P --dir D
//       starts the peer, prints the services it answers ("store find move get"), stops it
//   big --labels L1,L2 --port P --mib N --data-dir D --out FILE
//       RSS of each peer while it receives ONE instance of N MiB (default 1024) from storescu
//   visibility --labels L1,L2 --port P --dataset DIR --n N --out FILE
//       C-STORE success → visible in a query, p50/p95 (one instance at a time, our SCU)
//   floor --datasets D1,D2 --dir WORKDIR --n N --out FILE
//       the disk's share of one acknowledged C-STORE for each dataset's mean instance size:
//       create+write+fsync+rename+fsync(dir) vs create+write+close (lib/durable-write-floor.ts)
//   retrieve --datasets D1,D2 --port P --pairs N --compare "ours:reference:move|get|find ..." --out FILE
//       C-MOVE / C-GET of one study, or bench.sh's study-level C-FIND, our peer and a reference
//       side by side, taking turns in N pairs (lib/paired-retrieve.ts); default
//       pacs-embedded:dcmqrscp:move pacs-embedded:orthanc:get pacs-embedded:orthanc-pg:find
//
// Usage: node --import tsx bench/measure-extra.ts COMMAND [options]
import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { ensureBigInstance } from './lib/big-instance';
import { runClient } from './lib/dcmtk-client';
import { measureDurableWriteFloor, type DurableWriteFloor } from './lib/durable-write-floor';
import { dicomFilesUnder, measurePairedRetrieve, type PairedRetrieveResult, type PairedService } from './lib/paired-retrieve';
import { aetOf, countPeer, isOurs, peerRoots, startPeer, stopPeer } from './lib/peers';
import { probeCapabilities, type Peer } from './lib/qr-probe';
import { RssSampler, type SamplerSummary } from './lib/rss-sampler';
import { measureVisibility, type VisibilityResult } from './lib/visibility';

const SCU_AET = process.env['SCU_AET'] ?? 'BENCHSCU';
const MAX_PDU = process.env['MAX_PDU'] ?? '16384';
const MOVE_DEST_AET = process.env['MOVE_DEST_AET'] ?? 'BENCHMOVE';
const WORK_ROOT = process.env['BENCH_WORK_ROOT'] ?? '/tmp/peers/run';
/** How long the capability probe waits for a peer's C-FIND to answer. */
const CAPS_PATIENCE_MS = 60_000;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const list = (v: string | undefined): string[] => (v ?? '').split(/[,\s]+/).filter(Boolean);
const httpPortOf = (port: number): number => Number(process.env['BENCH_HTTP_PORT'] ?? port + 1000);

function writeJson(path: string, value: unknown): void {
  mkdirSync(resolve(path, '..'), { recursive: true });
  writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`);
}

async function sample(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { 'run-dir': { type: 'string' }, out: { type: 'string' }, interval: { type: 'string', default: '200' }, external: { type: 'string' } } });
  const peerDir = join(values['run-dir'] ?? '', 'peer');
  const sampler = new RssSampler(() => peerRoots(peerDir), Number(values.interval), list(values.external)).start();
  await new Promise<void>((r) => {
    process.once('SIGTERM', () => r());
    process.once('SIGINT', () => r());
  });
  writeJson(values.out ?? '/dev/stdout', sampler.stop());
}

/**
 * The peer's capabilities once it is fully up. The cluster peer starts its services side by
 * side: its listener answers C-ECHO before qr-service has subscribed. Both of our peers answer
 * C-FIND once up, so ask again until it does (a visibility run that probed too early fell back
 * to polling /api/statistics).
 */
async function patientCapabilities(peer: Peer): Promise<string[]> {
  let found = await probeCapabilities(peer);
  for (const until = Date.now() + CAPS_PATIENCE_MS; !found.includes('find') && Date.now() < until; ) {
    await sleep(1_000);
    found = await probeCapabilities(peer);
  }
  return found;
}

async function caps(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { label: { type: 'string' }, port: { type: 'string' }, dir: { type: 'string' } } });
  const label = values.label ?? 'pacs-embedded';
  const port = Number(values.port);
  const dir = values.dir ?? join(WORK_ROOT, `${label}-caps`);
  rmSync(dir, { recursive: true, force: true });
  startPeer(label, port, dir);
  try {
    const found = await patientCapabilities({ port, calledAeTitle: aetOf(label, port, dir), callingAeTitle: SCU_AET, moveDestination: MOVE_DEST_AET });
    console.log(found.join(' '));
  } finally {
    stopPeer(label, port, dir);
    rmSync(dir, { recursive: true, force: true });
  }
}

async function storescu(port: number, aet: string, file: string): Promise<{ rc: number; wallS: number }> {
  const { rc, ms } = await runClient('storescu', ['-aet', SCU_AET, '-aec', aet, '-pdu', MAX_PDU, '127.0.0.1', String(port), file]);
  return { rc, wallS: ms / 1000 };
}

interface BigResult {
  rc: number;
  wallS: number;
  mbPerS: number;
  stored: string;
  /** RSS of each program just before the send, MiB. */
  idle: Record<string, number>;
  /** From the start of the send until the instance is stored (and indexed, for our PACS). */
  during: SamplerSummary;
  error?: string;
}

async function big(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { labels: { type: 'string' }, port: { type: 'string' }, mib: { type: 'string', default: '1024' }, 'data-dir': { type: 'string' }, out: { type: 'string' } } });
  const mib = Number(values.mib);
  const dataDir = values['data-dir'] ?? '/tmp/peers/data/big';
  const port = Number(values.port);
  const t0 = performance.now();
  const instance = await ensureBigInstance(dataDir, mib);
  const generatedS = (performance.now() - t0) / 1000;
  // count.sh reads the expected count of BENCH_DATASET_DIR/manifest.env.
  writeFileSync(join(dataDir, 'manifest.env'), 'DS_INSTANCES=1\n');
  const peers: Record<string, BigResult> = {};
  for (const label of list(values.labels)) {
    const dir = join(WORK_ROOT, `${label}-big`);
    rmSync(dir, { recursive: true, force: true });
    try {
      startPeer(label, port, dir, { BENCH_DATASET_DIR: dataDir });
      await sleep(1000);
      const idleSampler = new RssSampler(() => peerRoots(dir), 100);
      idleSampler.sample();
      const idle = Object.fromEntries(Object.entries(idleSampler.stop().roles).map(([role, m]) => [role, m.peakRssMiB]));
      const sampler = new RssSampler(() => peerRoots(dir), 100).start();
      const sent = await storescu(port, aetOf(label, port, dir), instance.path);
      const stored = isOurs(label) ? countPeer(label, port, dir, { BENCH_DATASET_DIR: dataDir, BENCH_OUT: '' }) : '?';
      peers[label] = { ...sent, mbPerS: Math.round(instance.fileBytes / 1e6 / sent.wallS), stored, idle, during: sampler.stop() };
    } catch (err) {
      peers[label] = { rc: -1, wallS: 0, mbPerS: 0, stored: '0', idle: {}, during: { intervalMs: 100, samples: 0, storeSamples: 0, roles: {} }, error: (err as Error).message };
    } finally {
      try {
        stopPeer(label, port, dir);
      } catch (err) {
        console.error(`measure-extra big: ${(err as Error).message}`);
      }
      rmSync(dir, { recursive: true, force: true });
    }
    console.error(`measure-extra big: ${label}: ${JSON.stringify(peers[label])}`);
  }
  writeJson(values.out ?? '/dev/stdout', { bigInstance: { mib, rows: instance.rows, columns: instance.columns, fileBytes: instance.fileBytes, generatedS, peers } });
}

async function visibility(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { labels: { type: 'string' }, port: { type: 'string' }, dataset: { type: 'string' }, n: { type: 'string', default: '100' }, poll: { type: 'string', default: '10' }, out: { type: 'string' } } });
  const port = Number(values.port);
  const files = dicomFilesUnder(join(values.dataset ?? '', 'dicom'));
  // Spread over the dataset: every k-th file, so several series and studies are involved.
  const n = Math.min(Number(values.n), files.length);
  const picked = Array.from({ length: n }, (_, i) => files[Math.floor((i * files.length) / n)]!);
  const results: Record<string, VisibilityResult & { caps: string[] } | { error: string }> = {};
  for (const label of list(values.labels)) {
    const dir = join(WORK_ROOT, `${label}-visibility`);
    rmSync(dir, { recursive: true, force: true });
    try {
      startPeer(label, port, dir);
      const aet = aetOf(label, port, dir);
      const found = await patientCapabilities({ port, calledAeTitle: aet, callingAeTitle: SCU_AET, moveDestination: MOVE_DEST_AET });
      const result = await measureVisibility({
        port, httpPort: httpPortOf(port), calledAeTitle: aet, callingAeTitle: SCU_AET, files: picked,
        useFind: found.includes('find'), pollIntervalMs: Number(values.poll), timeoutMs: 30_000,
      });
      results[label] = { ...result, caps: found };
    } catch (err) {
      results[label] = { error: (err as Error).message };
    } finally {
      try {
        stopPeer(label, port, dir);
      } catch (err) {
        console.error(`measure-extra visibility: ${(err as Error).message}`);
      }
      rmSync(dir, { recursive: true, force: true });
    }
    console.error(`measure-extra visibility: ${label}: ${JSON.stringify(results[label])}`);
  }
  writeJson(values.out ?? '/dev/stdout', { visibility: { dataset: values.dataset, instances: n, results } });
}

/** Mean size of the .dcm files under a dataset made by make-dataset.sh. */
function meanInstanceBytes(dataset: string): number {
  const sizes = dicomFilesUnder(join(dataset, 'dicom')).map((path) => statSync(path).size);
  if (sizes.length === 0) throw new Error(`no .dcm files under ${dataset}/dicom`);
  return Math.round(sizes.reduce((a, b) => a + b, 0) / sizes.length);
}

async function floor(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { datasets: { type: 'string' }, dir: { type: 'string' }, n: { type: 'string', default: '200' }, out: { type: 'string' } } });
  const dir = values.dir ?? join(WORK_ROOT, 'durable-write-floor');
  const results: Record<string, DurableWriteFloor> = {};
  for (const dataset of list(values.datasets)) {
    const name = dataset.split('/').filter(Boolean).pop() ?? dataset;
    results[name] = await measureDurableWriteFloor(join(dir, name), meanInstanceBytes(dataset), Number(values.n));
    console.error(`measure-extra floor: ${name}: ${JSON.stringify(results[name])}`);
  }
  writeJson(values.out ?? '/dev/stdout', { durableWriteFloor: { dir, results } });
}

async function retrieve(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      datasets: { type: 'string' }, port: { type: 'string' }, pairs: { type: 'string', default: '21' },
      compare: { type: 'string', default: 'pacs-embedded:dcmqrscp:move pacs-embedded:orthanc:get pacs-embedded:orthanc-pg:find' }, out: { type: 'string' },
    },
  });
  const comparisons = list(values.compare).map((c) => {
    const [ours, reference, service] = c.split(':');
    if (!ours || !reference || (service !== 'move' && service !== 'get' && service !== 'find')) throw new Error(`--compare ${c}: expected ours:reference:move|get|find`);
    return [ours, reference, service as PairedService] as const;
  });
  const results: Record<string, PairedRetrieveResult> = {};
  for (const dataset of list(values.datasets)) {
    const result = await measurePairedRetrieve({
      dataset, comparisons, pairs: Number(values.pairs), port: Number(values.port), workRoot: WORK_ROOT, scuAet: SCU_AET,
      moveDestAet: MOVE_DEST_AET, moveDestPort: Number(process.env['MOVE_DEST_PORT'] ?? 11190), maxPdu: MAX_PDU,
      log: (line) => console.error(`measure-extra retrieve: ${line}`),
    });
    results[result.dataset] = result;
    console.error(`measure-extra retrieve: ${result.dataset}: ${JSON.stringify(result.comparisons.map((c) => ({ ...c, runs: undefined })))}${result.error ? ` error: ${result.error}` : ''}`);
  }
  writeJson(values.out ?? '/dev/stdout', { pairedRetrieve: results });
}

const commands: Record<string, (args: string[]) => Promise<void>> = { sample, caps, big, visibility, floor, retrieve };
const [command, ...rest] = process.argv.slice(2);
const run = command ? commands[command] : undefined;
if (!run) {
  console.error(`usage: measure-extra.ts ${Object.keys(commands).join('|')} [options] (see the header of bench/measure-extra.ts)`);
  process.exit(2);
}
await run(rest);
