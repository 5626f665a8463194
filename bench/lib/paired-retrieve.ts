// C-MOVE and C-GET of one study, and bench.sh's study-level C-FIND (find-pid), measured in
// pairs: our peer and a reference peer run side by side, both loaded with the same dataset, and
// take turns, the order alternating from pair to pair. bench.sh measures all of one peer's runs
// together, minutes away from the reference's, and on this shared host a cell moves by ±25%
// over minutes: as much as the difference between two servers that both wait on the same move
// destination, or a few milliseconds in a findscu run of 20-40 ms. Within a pair both sides meet
// the same spell of the host; over many pairs its noise averages out.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runClient } from './dcmtk-client';
import { findCases, percentile, readManifest, type FindCase } from './find-latency';
import { median } from './rounds';
import { aetOf, countPeer, startPeer, stopPeer } from './peers';

export type PairedService = 'move' | 'get' | 'find';

/** One pair: each side's wall time for the whole client run, and whether it delivered everything (the study, or every match). */
export interface PairRun {
  oursMs: number;
  referenceMs: number;
  oursComplete: boolean;
  referenceComplete: boolean;
}

export interface PairedSummary {
  pairs: number;
  /** Pairs where either side did not deliver every instance of the study: left out. */
  incomplete: number;
  oursMedianMs: number | null;
  referenceMedianMs: number | null;
  /** Ours / reference in instances per second (the reference's median time over ours). */
  ratio: number | null;
  /** Pairs in which ours finished first. */
  oursFaster: number;
  /** The spread of reference ms / ours ms over the pairs. */
  pairRatioP10: number | null;
  pairRatioMedian: number | null;
  pairRatioP90: number | null;
}

const round3 = (v: number | null): number | null => (v === null || Number.isNaN(v) ? null : Number(v.toFixed(3)));

export function summarisePairs(runs: readonly PairRun[]): PairedSummary {
  const complete = runs.filter((r) => r.oursComplete && r.referenceComplete && r.oursMs > 0 && r.referenceMs > 0);
  const ours = median(complete.map((r) => r.oursMs));
  const reference = median(complete.map((r) => r.referenceMs));
  const pairRatios = complete.map((r) => r.referenceMs / r.oursMs);
  return {
    pairs: runs.length,
    incomplete: runs.length - complete.length,
    oursMedianMs: round3(ours),
    referenceMedianMs: round3(reference),
    ratio: ours !== null && reference !== null ? round3(reference / ours) : null,
    oursFaster: complete.filter((r) => r.oursMs < r.referenceMs).length,
    pairRatioP10: round3(percentile(pairRatios, 10)),
    pairRatioMedian: round3(median(pairRatios)),
    pairRatioP90: round3(percentile(pairRatios, 90)),
  };
}

/** The study every retrieve asks for, as make-dataset.sh names it in the dataset's manifest. */
export interface DatasetStudy {
  name: string;
  files: string[];
  instances: number;
  studyUid: string;
  studyInstances: number;
}

export function datasetStudy(dataset: string): DatasetStudy {
  const manifest = readManifest(dataset);
  const files = dicomFilesUnder(join(dataset, 'dicom'));
  return {
    name: manifest['DS_NAME'] ?? dataset,
    files,
    instances: Number(manifest['DS_INSTANCES'] ?? files.length),
    studyUid: manifest['Q_STUDY_UID'] ?? '',
    studyInstances: Number(manifest['Q_STUDY_INSTANCES'] ?? 0),
  };
}

/** bench.sh's study-level C-FIND by Patient ID, with the number of matches the manifest gives. */
function studyFind(dataset: string): FindCase {
  const found = findCases(readManifest(dataset)).find((c) => c.name === 'find-pid');
  if (!found) throw new Error('no find-pid query for this dataset');
  return found;
}

export function dicomFilesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    if (e.isDirectory()) out.push(...dicomFilesUnder(path));
    else if (e.name.endsWith('.dcm')) out.push(path);
  }
  return out.sort();
}

export interface PairedRetrieveOptions {
  dataset: string;
  /** Comparisons as [ours, reference, service], e.g. ['pacs-embedded', 'dcmqrscp', 'move']. */
  comparisons: ReadonlyArray<readonly [string, string, PairedService]>;
  pairs: number;
  /** DICOM port of the first peer; the others follow (their HTTP ports are port + 1000). */
  port: number;
  workRoot: string;
  scuAet: string;
  moveDestAet: string;
  moveDestPort: number;
  maxPdu: string;
  log: (line: string) => void;
}

export interface PairedComparison {
  ours: string;
  reference: string;
  service: PairedService;
  runs: PairRun[];
  summary: PairedSummary;
}

export interface PairedRetrieveResult {
  dataset: string;
  studyInstances: number;
  comparisons: PairedComparison[];
  error?: string;
}

interface RunningPeer {
  label: string;
  port: number;
  dir: string;
  aet: string;
}

const countFiles = (dir: string): number => {
  try {
    return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length;
  } catch {
    return 0;
  }
};

function freshDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  // As bench.sh before each timed run: earlier writes are not flushed during this one.
  spawnSync('sync');
}

async function loadPeer(peer: RunningPeer, study: DatasetStudy, options: PairedRetrieveOptions, env: Record<string, string>): Promise<void> {
  const list = join(peer.dir, 'files.txt');
  writeFileSync(list, `${study.files.join('\n')}\n`);
  const loaded = await runClient('storescu', ['-R', '-aet', options.scuAet, '-aec', peer.aet, '-pdu', options.maxPdu, '127.0.0.1', String(peer.port), `@${list}`]);
  if (loaded.rc !== 0) throw new Error(`${peer.label}: loading the dataset failed (storescu rc ${loaded.rc})`);
  // Our PACS indexes after it acknowledges: wait until the index holds everything.
  for (const until = Date.now() + 120_000; ; ) {
    const count = Number(countPeer(peer.label, peer.port, peer.dir, env));
    if (count >= study.instances) return;
    if (Date.now() > until) throw new Error(`${peer.label}: ${count} of ${study.instances} instances after loading`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

function clientArgs(service: PairedService, peer: RunningPeer, study: DatasetStudy, options: PairedRetrieveOptions, outDir: string, find: FindCase | undefined): [string, string[]] {
  const connection = ['-aet', options.scuAet, '-aec', peer.aet, '-pdu', options.maxPdu];
  const address = ['127.0.0.1', String(peer.port)];
  if (service === 'find') {
    if (!find) throw new Error('a find comparison without its query');
    // Each response is written out (-X), on both sides alike, so that every run is checked.
    return ['findscu', [...connection, '-X', '-od', outDir, ...find.keys, ...address]];
  }
  const common = ['-S', ...connection, '-k', 'QueryRetrieveLevel=STUDY', '-k', `StudyInstanceUID=${study.studyUid}`];
  return service === 'move' ? ['movescu', [...common, '-aem', options.moveDestAet, ...address]] : ['getscu', [...common, '-od', outDir, ...address]];
}

/**
 * Starts every peer of the comparisons and the move destination (DCMTK storescp), loads the
 * dataset into each peer, then runs `pairs` rounds after an untimed one: in each, every
 * comparison's two sides retrieve the dataset's first study one after the other, ours first in
 * even rounds.
 */
export async function measurePairedRetrieve(options: PairedRetrieveOptions): Promise<PairedRetrieveResult> {
  const study = datasetStudy(options.dataset);
  const env = { BENCH_DATASET_DIR: options.dataset, MOVE_DEST_AET: options.moveDestAet, MOVE_DEST_PORT: String(options.moveDestPort) };
  const labels = [...new Set(options.comparisons.flatMap(([ours, reference]) => [ours, reference]))];
  const destDir = join(options.workRoot, `paired-movedest-${study.name}`);
  const peers = new Map<string, RunningPeer>();
  const comparisons: PairedComparison[] = options.comparisons.map(([ours, reference, service]) => ({ ours, reference, service, runs: [], summary: summarisePairs([]) }));
  const result: PairedRetrieveResult = { dataset: study.name, studyInstances: study.studyInstances, comparisons };
  try {
    rmSync(destDir, { recursive: true, force: true });
    if (options.comparisons.some(([, , service]) => service === 'move')) startPeer('storescp', options.moveDestPort, destDir, { ...env, PEER_AET: options.moveDestAet });
    for (const [i, label] of labels.entries()) {
      const port = options.port + i;
      const dir = join(options.workRoot, `paired-${label}-${study.name}`);
      rmSync(dir, { recursive: true, force: true });
      startPeer(label, port, dir, env);
      const peer = { label, port, dir, aet: aetOf(label, port, dir) };
      peers.set(label, peer);
      await loadPeer(peer, study, options, env);
      options.log(`${label} loaded with ${study.name} on port ${port}`);
    }
    const getDir = join(options.workRoot, `paired-getdest-${study.name}`);
    const findDir = join(options.workRoot, `paired-find-${study.name}`);
    // Read from the manifest once, not for every run.
    const find = options.comparisons.some(([, , service]) => service === 'find') ? studyFind(options.dataset) : undefined;
    const retrieveFrom = async (peer: RunningPeer, service: PairedService): Promise<{ ms: number; complete: boolean }> => {
      const outDir = service === 'move' ? join(destDir, 'store') : service === 'get' ? getDir : findDir;
      freshDir(outDir);
      const [command, args] = clientArgs(service, peer, study, options, outDir, find);
      const run = await runClient(command, args);
      const expected = service === 'find' ? find?.expected : study.studyInstances;
      return { ms: run.ms, complete: run.rc === 0 && countFiles(outDir) === expected };
    };
    // One untimed retrieve from each side first: a server's first retrieve pays one-time costs
    // (compilation, caches; 395 vs 181-296 ms for our first C-MOVE of a medium study and the next
    // ones) that the pairs would otherwise count against whichever side goes first.
    for (const comparison of comparisons) {
      for (const label of [comparison.ours, comparison.reference]) await retrieveFrom(peers.get(label)!, comparison.service);
    }
    for (let pair = 0; pair < options.pairs; pair++) {
      for (const comparison of comparisons) {
        const sides = [comparison.ours, comparison.reference];
        const outcome = new Map<string, { ms: number; complete: boolean }>();
        for (const label of pair % 2 === 0 ? sides : sides.reverse()) outcome.set(label, await retrieveFrom(peers.get(label)!, comparison.service));
        const ours = outcome.get(comparison.ours)!;
        const reference = outcome.get(comparison.reference)!;
        comparison.runs.push({ oursMs: Number(ours.ms.toFixed(1)), referenceMs: Number(reference.ms.toFixed(1)), oursComplete: ours.complete, referenceComplete: reference.complete });
      }
    }
  } catch (err) {
    result.error = (err as Error).message;
  } finally {
    for (const peer of peers.values()) {
      try {
        stopPeer(peer.label, peer.port, peer.dir);
      } catch (err) {
        options.log(`stopping ${peer.label}: ${(err as Error).message}`);
      }
      rmSync(peer.dir, { recursive: true, force: true });
    }
    try {
      stopPeer('storescp', options.moveDestPort, destDir);
    } catch {
      // not started
    }
    rmSync(destDir, { recursive: true, force: true });
  }
  for (const comparison of comparisons) comparison.summary = summarisePairs(comparison.runs);
  return result;
}
