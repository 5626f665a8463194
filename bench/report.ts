// Turns one bench/run.sh output directory (the harness's results TSV, count.sh's index-tail
// TSV, measure-extra.ts's JSON files, env.txt, load.tsv) into bench/RESULTS.md and
// bench/results.json: raw numbers per dataset, then the ratios the issues ask for. A cell the
// harness marked FAIL is shown as FAIL(n/N) and never enters a ratio.
// Usage: node --import tsx bench/report.ts --dir OUT --md bench/RESULTS.md --json bench/results.json
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { aggregateRounds, median, num, passed, passedValue, ratiosPerRound, type Row } from './lib/rounds';
import type { PairedRetrieveResult } from './lib/paired-retrieve';
import type { SamplerSummary } from './lib/rss-sampler';

const { values } = parseArgs({ options: { dir: { type: 'string' }, md: { type: 'string' }, json: { type: 'string' } } });
const dir = values.dir ?? '.';
const read = (name: string): string => (existsSync(join(dir, name)) ? readFileSync(join(dir, name), 'utf8') : '');

function tsv(text: string, header?: string[]): Row[] {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  const cols = header ?? lines.shift()?.split('\t') ?? [];
  return lines.map((l) => Object.fromEntries(l.split('\t').map((v, i) => [cols[i] ?? `c${i}`, v])));
}

// ---- inputs -------------------------------------------------------------------------
// One results.tsv and index-tail.tsv per round (round-N/, run.sh --rounds); a run directory of
// an older run.sh has them at its top.
const TAIL_COLUMNS = ['date', 'dataset', 'peer', 'count', 'expected', 'wait_s', 'cpu_s'];
const roundDirs = existsSync(dir) ? readdirSync(dir).filter((n) => /^round-\d+$/.test(n)).sort((a, b) => Number(a.slice(6)) - Number(b.slice(6))) : [];
const rounds = (roundDirs.length ? roundDirs : ['.']).map((d) => ({ rows: tsv(read(join(d, 'results.tsv'))), tails: tsv(read(join(d, 'index-tail.tsv')), TAIL_COLUMNS) }));
const rows = rounds.flatMap((r, i) => r.rows.map((row) => ({ round: String(i + 1), ...row })));
const key = (ds: string, peer: string, test: string): string => `${ds}|${peer}|${test}`;
/** dataset|peer|test → its row in each round (the last one of a round, as report.sh). */
const cellRounds = new Map<string, Array<Row | undefined>>();
const datasets: string[] = [];
const peersOf = new Map<string, string[]>();
rounds.forEach((round, i) => {
  for (const r of round.rows) {
    const ds = r['dataset']!;
    const peer = r['peer']!;
    if (!datasets.includes(ds)) datasets.push(ds);
    const peers = peersOf.get(ds) ?? [];
    if (!peers.includes(peer)) peers.push(peer);
    peersOf.set(ds, peers);
    const k = key(ds, peer, r['test']!);
    const perRound = cellRounds.get(k) ?? new Array<Row | undefined>(rounds.length).fill(undefined);
    perRound[i] = r;
    cellRounds.set(k, perRound);
  }
});
const cell = new Map<string, Row>([...cellRounds].map(([k, perRound]) => [k, aggregateRounds(perRound)!]));
const tails = rounds.map((r) => r.tails);
const extra: Record<string, unknown> = {};
const rss: Record<string, Record<string, SamplerSummary>> = {};
const extraDir = join(dir, 'extra');
if (existsSync(extraDir)) {
  for (const name of readdirSync(extraDir).sort()) {
    const value = JSON.parse(readFileSync(join(extraDir, name), 'utf8')) as Record<string, unknown>;
    const m = /^rss-(pacs-[a-z]+)-(.+)\.json$/.exec(name);
    if (m) (rss[m[1]!] ??= {})[m[2]!] = value as unknown as SamplerSummary;
    else Object.assign(extra, value);
  }
}
const env = read('env.txt').trim();
const load = tsv(read('load.tsv'));

// ---- helpers ------------------------------------------------------------------------
const fmt = (v: number | null | undefined, digits = 1): string => (v === null || v === undefined ? '-' : v.toFixed(digits));
const failMark = (r: Row): string => ` FAIL(${r['n']}/${r['expected']})`;
const get = (ds: string, peer: string, test: string): Row | undefined => cell.get(key(ds, peer, test));
const storeN = (ds: string): string => [...cell.keys()].find((k) => k.startsWith(`${ds}|`) && /\|store-x(?!1$)\d+$/.test(k))?.split('|')[2] ?? 'store-x4';

function show(r: Row | undefined, what: 'store' | 'rate' | 'median' | 'cpu1000'): string {
  if (!r) return '-';
  let text: string;
  if (what === 'store') text = `${r['inst_per_s']} (${r['mb_per_s']})`;
  else if (what === 'rate') text = r['inst_per_s'] ?? '-';
  else if (what === 'median') text = r['median_ms'] ?? '-';
  else text = fmt(cpuPer1000(r), 2);
  return r['status'] === 'PASS' ? text : text + failMark(r);
}
function cpuPer1000(r: Row | undefined): number | null {
  const cpu = num(r?.['srv_cpu_s']);
  const n = num(r?.['expected']);
  return cpu === null || !n ? null : (1000 * cpu) / n;
}

interface Ratio {
  dataset: string;
  what: string;
  ours: string;
  reference: string;
  oursValue: number | null;
  referenceValue: number | null;
  ratio: number | null;
  target: string;
  met: boolean | null;
  /** ours / reference within each round where both passed: the spread behind `ratio`. */
  perRound: number[];
  /** In place of per-round ratios, for a measurement made in pairs: how the pairs went. */
  pairs?: string;
  note?: string;
}
const ratios: Ratio[] = [];
/** ratio = ours / reference: for rates higher is better, for latencies lower is better. */
function addRatio(ds: string, what: string, ours: [string, string], ref: [string, string], metric: 'inst_per_s' | 'median_ms', target: number, note?: string): void {
  const a = get(ds, ours[0], ours[1]);
  const b = get(ds, ref[0], ref[1]);
  if (!a && !b) return;
  const av = passedValue(a, metric);
  const bv = passedValue(b, metric);
  const ratio = av !== null && bv !== null && av > 0 && bv > 0 ? av / bv : null;
  const higherBetter = metric === 'inst_per_s';
  const perRound = ratiosPerRound(cellRounds.get(key(ds, ours[0], ours[1])) ?? [], cellRounds.get(key(ds, ref[0], ref[1])) ?? [], metric);
  const met = ratio === null ? null : higherBetter ? ratio >= target : ratio <= target;
  const why = [!a ? `${ours[0]} ${ours[1]} not measured${/find|move|get/.test(ours[1]) ? ' (service not answered yet)' : ''}` : !passed(a) ? `${ours[0]} ${ours[1]}${failMark(a)}` : '', !b ? `${ref[0]} ${ref[1]} not measured` : !passed(b) ? `${ref[0]} ${ref[1]}${failMark(b)}` : '']
    .filter(Boolean)
    .join('; ');
  ratios.push({
    dataset: ds, what, ours: `${ours[0]} ${ours[1]}`, reference: `${ref[0]} ${ref[1]}`, oursValue: av, referenceValue: bv, ratio,
    target: `${higherBetter ? '≥' : '≤'} ${target}`, met, perRound, ...(why || note ? { note: [why, note].filter(Boolean).join('; ') } : {}),
  });
}

for (const ds of datasets) {
  const xn = storeN(ds);
  addRatio(ds, 'embedded C-STORE x1 vs storescp', ['pacs-embedded', 'store-x1'], ['storescp', 'store-x1'], 'inst_per_s', 0.8);
  addRatio(ds, `embedded C-STORE ${xn.slice(6)} vs storescp`, ['pacs-embedded', xn], ['storescp', xn], 'inst_per_s', 0.8);
  addRatio(ds, 'embedded C-STORE x1 vs orthanc', ['pacs-embedded', 'store-x1'], ['orthanc', 'store-x1'], 'inst_per_s', 3);
  addRatio(ds, `embedded C-STORE ${xn.slice(6)} vs orthanc`, ['pacs-embedded', xn], ['orthanc', xn], 'inst_per_s', 3);
  addRatio(ds, `cluster C-STORE ${xn.slice(6)} vs orthanc-pg`, ['pacs-cluster', xn], ['orthanc-pg', xn], 'inst_per_s', 3);
  addRatio(ds, 'cluster C-STORE x1 vs orthanc-pg (no target)', ['pacs-cluster', 'store-x1'], ['orthanc-pg', 'store-x1'], 'inst_per_s', 3);
  addRatio(ds, 'null SCP (@pacs/dicom) x1 vs storescp --ignore', ['pacs-null', 'store-x1'], ['storescp-null', 'store-x1'], 'inst_per_s', 1);
  addRatio(ds, `null SCP (@pacs/dicom) ${xn.slice(6)} vs storescp --ignore`, ['pacs-null', xn], ['storescp-null', xn], 'inst_per_s', 1);
  // The Node.js floor (bench/node-floor-scp.ts): how much of the gap to storescp any JavaScript SCP has.
  addRatio(ds, 'Node.js floor x1 vs storescp --ignore (reference, no target)', ['node-floor', 'store-x1'], ['storescp-null', 'store-x1'], 'inst_per_s', 1);
  addRatio(ds, `Node.js floor ${xn.slice(6)} vs storescp --ignore (reference, no target)`, ['node-floor', xn], ['storescp-null', xn], 'inst_per_s', 1);
  addRatio(ds, 'null SCP (@pacs/dicom) x1 vs Node.js floor (no target)', ['pacs-null', 'store-x1'], ['node-floor', 'store-x1'], 'inst_per_s', 1);
  addRatio(ds, `null SCP (@pacs/dicom) ${xn.slice(6)} vs Node.js floor (no target)`, ['pacs-null', xn], ['node-floor', xn], 'inst_per_s', 1);
  for (const ours of ['pacs-embedded', 'pacs-cluster']) {
    addRatio(ds, `${ours.slice(5)} C-MOVE vs dcmqrscp`, [ours, 'move'], ['dcmqrscp', 'move'], 'inst_per_s', 1);
    addRatio(ds, `${ours.slice(5)} C-GET vs orthanc`, [ours, 'get'], ['orthanc', 'get'], 'inst_per_s', 1);
    addRatio(ds, `${ours.slice(5)} C-FIND study p50 vs orthanc-pg (ms, lower is better)`, [ours, 'find-pid'], ['orthanc-pg', 'find-pid'], 'median_ms', 1,
      'target is us at 10^6 indexed instances vs orthanc-pg at 10^4; here both hold this dataset');
  }
}

// Retrieve and query in pairs (measure-extra.ts retrieve): ours and the reference taking turns.
// Retrieves in instances per second; the C-FIND in ms of a findscu run, its ratio a speed too
// (the reference's time over ours), so that every row in pairs reads "higher is better".
const paired = (extra['pairedRetrieve'] ?? {}) as Record<string, PairedRetrieveResult>;
const SERVICE_NAME = { move: 'C-MOVE', get: 'C-GET', find: 'C-FIND study' } as const;
const instPerS = (instances: number, ms: number | null): number | null => (ms ? (1000 * instances) / ms : null);
for (const [ds, result] of Object.entries(paired)) {
  for (const c of result.comparisons) {
    const s = c.summary;
    const find = c.service === 'find';
    const oursValue = find ? s.oursMedianMs : instPerS(result.studyInstances, s.oursMedianMs);
    const referenceValue = find ? s.referenceMedianMs : instPerS(result.studyInstances, s.referenceMedianMs);
    ratios.push({
      dataset: ds, what: `${c.ours.slice(5)} ${SERVICE_NAME[c.service]} vs ${c.reference}, in pairs${find ? ' (ms; ratio: reference ms / ours)' : ''}`,
      ours: `${c.ours} ${c.service} (paired)`, reference: `${c.reference} ${c.service} (paired)`,
      oursValue, referenceValue, ratio: s.ratio, target: '≥ 1', met: s.ratio === null ? null : s.ratio >= 1, perRound: [],
      pairs: `ours faster in ${s.oursFaster} of ${s.pairs - s.incomplete} pairs; p10–p90 ${fmt(s.pairRatioP10, 2)}–${fmt(s.pairRatioP90, 2)}`,
      ...(s.ratio === null ? { note: result.error ?? 'no complete pair' } : {}),
    });
  }
}

// ---- derived: CPU per 1000 instances, index tail, RSS, large instance, visibility ---------
interface CpuRow { dataset: string; peer: string; test: string; srvCpuPer1000: number | null; indexTailCpuPer1000: number | null; totalPer1000: number | null; indexTailS: number | null; status: string }
const cpu: CpuRow[] = [];
// count.sh ran once per store run, in bench.sh's order within a round: the xN runs first, then
// the x1 runs. Each figure is the median over the rounds.
for (const ds of datasets) {
  const xn = storeN(ds);
  for (const peer of peersOf.get(ds) ?? []) {
    for (const test of [xn, 'store-x1']) {
      const r = get(ds, peer, test);
      if (!r) continue;
      const perRound = (cellRounds.get(key(ds, peer, test)) ?? []).flatMap((row, i) => {
        if (!row) return [];
        const t = tails[i]!.filter((x) => x['dataset'] === ds && x['peer'] === peer);
        const reps = num(cellRounds.get(key(ds, peer, xn))?.[i]?.['reps']) ?? 0;
        const mine = test === xn ? t.slice(0, reps) : t.slice(reps);
        const n = num(row['expected']) ?? 0;
        const mean = (k: string): number | null => (mine.length ? mine.reduce((s, x) => s + (num(x[k]) ?? 0), 0) / mine.length : null);
        const tailCpu = mean('cpu_s');
        const srv = cpuPer1000(row);
        const tailPer1000 = tailCpu === null || !n ? null : (1000 * tailCpu) / n;
        return [{ srv, tailPer1000, total: srv === null ? null : srv + (tailPer1000 ?? 0), tailS: mean('wait_s') }];
      });
      const med = (pick: (x: (typeof perRound)[number]) => number | null): number | null => median(perRound.map(pick).filter((v): v is number => v !== null));
      cpu.push({ dataset: ds, peer, test, srvCpuPer1000: med((x) => x.srv), indexTailCpuPer1000: med((x) => x.tailPer1000), totalPer1000: med((x) => x.total), indexTailS: med((x) => x.tailS), status: r['status'] ?? '?' });
    }
  }
}

// ---- markdown -------------------------------------------------------------------------
const md: string[] = [];
const line = (s = ''): number => md.push(s);
line('# Benchmark results');
line();
line('Produced by `bench/run.sh` (see bench/README.md): our PACS and the reference servers of `../shared/peers`, measured');
line('in one invocation with the same DCMTK clients (`TCP_NODELAY=1`, PDU 16384) and datasets. A cell `FAIL(n/N)` did');
line('not deliver the expected count and is never compared. Ratios are ours / reference: for rates higher is better,');
line('for latencies lower is better.');
line();
line('```');
line(env);
line('```');
line();
if (load.length) {
  const loads = load.map((l) => num(l['load1_before'])).filter((v): v is number => v !== null);
  line(`Load average (1 min) before each peer's runs: ${Math.min(...loads).toFixed(2)}–${Math.max(...loads).toFixed(2)} on ${env.match(/(\d+) cpus/)?.[1] ?? '?'} CPUs; other work on the machine shares them, so treat differences under about 25% as noise (../shared/peers README, pitfall 11).`);
  line();
}

line('## Ratios');
line();
line(`ours and reference: medians over ${rounds.length} round${rounds.length === 1 ? '' : 's'}; ratio: of the medians; per round: ours / reference within each round. Rows "in pairs": medians over the pairs of "Retrieve in pairs" below.`);
line();
line('| dataset | comparison | ours | reference | ratio | per round | target | met |');
line('|---|---|---|---|---|---|---|---|');
for (const r of ratios) {
  line(`| ${r.dataset} | ${r.what} | ${fmt(r.oursValue)} | ${fmt(r.referenceValue)} | ${r.ratio === null ? 'n/a' : r.ratio.toFixed(2)} | ${r.pairs ?? (r.perRound.map((v) => v.toFixed(2)).join(', ') || '-')} | ${r.target} | ${r.met === null ? `n/a${r.note ? ` (${r.note})` : ''}` : r.met ? 'yes' : 'no'} |`);
}
line();

for (const ds of datasets) {
  const xn = storeN(ds);
  const first = [...cell.values()].find((r) => r['dataset'] === ds && r['test'] === 'store-x1');
  line(`## Dataset ${ds}${first ? ` (${first['expected']} instances)` : ''}`);
  line();
  line(`Store: instances/s (MB/s), median of the runs. CPU: server CPU seconds per 1000 instances during the store (harness srv_cpu_s). Latencies: median ms of a whole DCMTK client run (echo is the baseline). Move/get: instances/s for one study.`);
  line();
  line(`| peer | store x1 | ${xn} | CPU s/1000 x1 | CPU s/1000 ${xn.slice(6)} | echo ms | find-pid ms | find-pn ms | find-img ms | move inst/s | get inst/s |`);
  line('|---|---|---|---|---|---|---|---|---|---|---|');
  for (const peer of peersOf.get(ds) ?? []) {
    line(`| ${peer} | ${show(get(ds, peer, 'store-x1'), 'store')} | ${show(get(ds, peer, xn), 'store')} | ${show(get(ds, peer, 'store-x1'), 'cpu1000')} | ${show(get(ds, peer, xn), 'cpu1000')} | ${show(get(ds, peer, 'echo'), 'median')} | ${show(get(ds, peer, 'find-pid'), 'median')} | ${show(get(ds, peer, 'find-pn'), 'median')} | ${show(get(ds, peer, 'find-img'), 'median')} | ${show(get(ds, peer, 'move'), 'rate')} | ${show(get(ds, peer, 'get'), 'rate')} |`);
  }
  line();
}

line('## CPU seconds per 1,000 instances stored');
line();
line('`srv` is the harness figure: CPU of the peer\'s process tree from the first C-STORE to the last C-STORE-RSP. Our PACS acknowledges');
line('once an object is stored and announced, and indexes afterwards; `index tail` is the CPU and time spent after the last');
line('C-STORE-RSP until `/api/statistics` showed every instance (bench/count.sh), so `total` is the full cost of ingest. Cluster');
line('mode: PostgreSQL and NATS are shared servers outside the tree (see the RSS section for their CPU during the runs);');
line('orthanc-pg includes its private PostgreSQL.');
line();
line('| dataset | peer | test | srv | index tail | total | index tail s | status |');
line('|---|---|---|---|---|---|---|---|');
for (const c of cpu) {
  line(`| ${c.dataset} | ${c.peer} | ${c.test} | ${fmt(c.srvCpuPer1000, 2)} | ${fmt(c.indexTailCpuPer1000, 2)} | ${fmt(c.totalPer1000, 2)} | ${fmt(c.indexTailS, 2)} | ${c.status} |`);
}
line();

line('## Peak RSS of our processes');
line();
line('Sampled every 200 ms from /proc over the whole process tree of each peer while the harness ran it. `store`: largest VmRSS');
line('while a storescu process was running; `any`: largest VmRSS at any sample; `HWM`: largest VmHWM (peak of a process\'s life,');
line('start-up included), in MiB. `CPU s`: CPU seconds of that program while storescu ran, summed over all store runs of');
line('the dataset (where the CPU of the cluster goes).');
line();
line('| peer | dataset | process | store | any | HWM | CPU s | processes seen |');
line('|---|---|---|---|---|---|---|---|');
const externalLines: string[] = [];
for (const [peer, byDs] of Object.entries(rss)) {
  for (const [ds, s] of Object.entries(byDs)) {
    for (const [role, m] of Object.entries(s.roles)) line(`| ${peer} | ${ds} | ${role} | ${fmt(m.peakRssStoreMiB)} | ${fmt(m.peakRssMiB)} | ${fmt(m.hwmMiB)} | ${fmt(m.cpuStoreS ?? null, 2)} | ${m.processes} |`);
    if (s.externalCpuStoreS) externalLines.push(`${peer} on ${ds}: ${Object.entries(s.externalCpuStoreS).map(([k, v]) => `${k} ${v.toFixed(2)} s`).join(', ')}`);
  }
}
line();
if (externalLines.length) {
  line('CPU of the shared servers outside the cluster tree, summed over all store runs (includes other users of those servers):');
  line();
  for (const l of externalLines) line(`- ${l}`);
  line();
}

interface BigPeer { rc: number; wallS: number; mbPerS: number; stored: string; idle: Record<string, number>; during: SamplerSummary; error?: string }
const big = extra['bigInstance'] as { mib: number; rows: number; columns: number; fileBytes: number; peers: Record<string, BigPeer> } | undefined;
const RECEIVER: Record<string, string> = { 'pacs-embedded': 'all-in-one', 'pacs-cluster': 'scp-listener', 'pacs-null': 'null-scp', 'node-floor': 'node-floor-scp', 'storescp-null': 'storescp' };
const bigRows: { peer: string; receiver: string; idleMiB: number | null; peakMiB: number | null; growthMiB: number | null; withinTarget: boolean | null; rc: number; stored: string; mbPerS: number; error?: string }[] = [];
if (big) {
  line(`## RSS while receiving one ${big.mib} MiB instance`);
  line();
  line(`One CT-like instance, ${big.rows} x ${big.columns} x 16 bit (${(big.fileBytes / 2 ** 20).toFixed(0)} MiB file), sent by storescu over one association;`);
  line('the receiving process sampled every 100 ms from the start of the send until it was stored (and, for our PACS, indexed).');
  line('Target (issues 4 and 10): RSS ≤ 256 MiB.');
  line();
  line('| peer | receiving process | RSS before | peak RSS during | growth | ≤ 256 MiB | other processes (peak MiB) | storescu rc | stored | MB/s |');
  line('|---|---|---|---|---|---|---|---|---|---|');
  for (const [peer, b] of Object.entries(big.peers)) {
    const receiver = RECEIVER[peer] ?? '?';
    const peak = b.during.roles[receiver]?.peakRssMiB ?? null;
    const idle = b.idle[receiver] ?? null;
    const others = Object.entries(b.during.roles).filter(([r]) => r !== receiver).map(([r, m]) => `${r} ${fmt(m.peakRssMiB, 0)}`).join(', ');
    const row = { peer, receiver, idleMiB: idle, peakMiB: peak, growthMiB: peak !== null && idle !== null ? peak - idle : null, withinTarget: peak === null ? null : peak <= 256, rc: b.rc, stored: b.stored, mbPerS: b.mbPerS, ...(b.error ? { error: b.error } : {}) };
    bigRows.push(row);
    line(`| ${peer} | ${receiver} | ${fmt(idle)} | ${fmt(peak)} | ${fmt(row.growthMiB)} | ${row.withinTarget === null ? 'n/a' : row.withinTarget ? 'yes' : 'no'} | ${others || '-'} | ${b.rc}${b.error ? ` (${b.error})` : ''} | ${b.stored} | ${b.mbPerS} |`);
  }
  line();
}

const vis = extra['visibility'] as { dataset: string; instances: number; results: Record<string, { method?: string; n?: number; missed?: number; storeFailures?: number; p50Ms?: number | null; p95Ms?: number | null; maxMs?: number | null; pollIntervalMs?: number; caps?: string[]; error?: string }> } | undefined;
if (vis) {
  line('## C-STORE success → visible in a query');
  line();
  line(`${vis.instances} instances of ${vis.dataset.split('/').pop()} sent one at a time over one association by our SCU (@pacs/dicom connect + store); after each`);
  line('C-STORE-RSP success the index is polled until the instance shows. The method says how: a C-FIND at IMAGE level for its');
  line('SOP Instance UID when the peer answers C-FIND, else GET /api/statistics reaching the next count.');
  line();
  line('| peer | method | poll ms | n | missed | store failures | p50 ms | p95 ms | max ms |');
  line('|---|---|---|---|---|---|---|---|---|');
  for (const [peer, v] of Object.entries(vis.results)) {
    if (v.error) line(`| ${peer} | error: ${v.error} | | | | | | | |`);
    else line(`| ${peer} | ${v.method} | ${v.pollIntervalMs} | ${v.n} | ${v.missed} | ${v.storeFailures} | ${fmt(v.p50Ms)} | ${fmt(v.p95Ms)} | ${fmt(v.maxMs)} |`);
  }
  line();
}

if (Object.keys(paired).length) {
  line('## Retrieve and query in pairs');
  line();
  line('The move, get and find cells above come from bench.sh, which runs all of one peer\'s runs together, minutes away from the');
  line('reference\'s: on this shared host a cell moves by about 25% over minutes. Here (measure-extra.ts retrieve) our embedded');
  line('PACS and the reference run side by side, both loaded with the dataset, and take turns (retrieving its first study, or');
  line('bench.sh\'s study-level C-FIND by Patient ID), the order alternating from pair to pair, after one untimed run each: both');
  line('sides of a pair meet the same spell of the host. The same DCMTK clients as bench.sh (movescu to a storescp, getscu,');
  line('findscu); a run counts when every instance, or every match, arrived.');
  line();
  line('| dataset | comparison | complete pairs | ours ms (median) | reference ms (median) | ratio (speed) | ours faster in | pair ratio p10 / median / p90 |');
  line('|---|---|---|---|---|---|---|---|');
  for (const [ds, result] of Object.entries(paired)) {
    if (result.error) line(`| ${ds} | error: ${result.error} | | | | | | |`);
    for (const c of result.comparisons) {
      const x = c.summary;
      line(`| ${ds} | ${c.ours} ${SERVICE_NAME[c.service]} vs ${c.reference} (${c.service === 'find' ? 'by Patient ID' : `${result.studyInstances} instances`}) | ${x.pairs - x.incomplete}/${x.pairs} | ${fmt(x.oursMedianMs)} | ${fmt(x.referenceMedianMs)} | ${fmt(x.ratio, 2)} | ${x.oursFaster} | ${fmt(x.pairRatioP10, 2)} / ${fmt(x.pairRatioMedian, 2)} / ${fmt(x.pairRatioP90, 2)} |`);
    }
  }
  line();
}

interface FloorRow {
  dataset: string; bytes: number; writeOnlyMs: number; durableMs: number; storescpX1Ms: number | null; budgetMs: number | null; floorShareOfBudget: number | null;
  orthancBudgetMs: number | null; floorShareOfOrthancBudget: number | null;
}
const floorData = extra['durableWriteFloor'] as { dir: string; results: Record<string, { bytes: number; n: number; writeOnlyMsP50: number; durableMsP50: number }> } | undefined;
const floorRows: FloorRow[] = [];
if (floorData) {
  line('## Durable write floor (one association)');
  line();
  line('Our PACS answers a C-STORE with success only once the object is on disk; storescp writes and answers (no fsync). Measured');
  line(`here, without DICOM, one object at a time of each dataset's mean instance size (${Object.values(floorData.results)[0]?.n ?? '?'} objects, p50, \`${floorData.dir}\`):`);
  line('`durable` = create temp + write + fsync + rename + fsync(directory), the minimum for a durable new name (POSIX);');
  line('`write only` = create + write + close, storescp\'s share of the disk. `budget` = the time per instance that 0.8x storescp store x1');
  line('or 3x orthanc store x1 (issues 5 and 10) allows for everything: network, parsing, storage, announcement. A share above 100% is');
  line('a target that no server answering only after a durable write can meet on this disk.');
  line();
  line('| dataset | mean instance bytes | write only ms | durable ms | storescp x1 ms/instance | 0.8x storescp budget ms | durable share | 3x orthanc budget ms | durable share |');
  line('|---|---|---|---|---|---|---|---|---|');
  const percent = (x: number | null): string => (x === null ? '-' : `${(x * 100).toFixed(0)}%`);
  for (const [ds, f] of Object.entries(floorData.results)) {
    const x1Rate = (peer: string): number | null => passedValue(get(ds, peer, 'store-x1'), 'inst_per_s');
    const rate = x1Rate('storescp');
    const orthancRate = x1Rate('orthanc');
    const storescpX1Ms = rate ? 1000 / rate : null;
    const budgetMs = rate ? 1000 / (0.8 * rate) : null;
    const orthancBudgetMs = orthancRate ? 1000 / (3 * orthancRate) : null;
    const share = (budget: number | null): number | null => (budget ? f.durableMsP50 / budget : null);
    const row: FloorRow = {
      dataset: ds, bytes: f.bytes, writeOnlyMs: f.writeOnlyMsP50, durableMs: f.durableMsP50, storescpX1Ms,
      budgetMs, floorShareOfBudget: share(budgetMs), orthancBudgetMs, floorShareOfOrthancBudget: share(orthancBudgetMs),
    };
    floorRows.push(row);
    line(`| ${ds} | ${f.bytes} | ${fmt(f.writeOnlyMsP50, 2)} | ${fmt(f.durableMsP50, 2)} | ${fmt(storescpX1Ms, 2)} | ${fmt(budgetMs, 2)} | ${percent(row.floorShareOfBudget)} | ${fmt(orthancBudgetMs, 2)} | ${percent(row.floorShareOfOrthancBudget)} |`);
  }
  line();
}

const capsText = read('caps.txt').trim();
if (capsText) {
  line('## Services our peers answered (C-FIND / C-MOVE / C-GET probe before the runs)');
  line();
  for (const l of capsText.split('\n')) line(`- ${l}`);
  line();
  line('Services not answered were not tested (PEER_CAPS); their cells show `-`.');
  line();
}
line(`Raw data of this run: \`${dir}\` (results.tsv from bench.sh, index-tail.tsv, extra/*.json, harness.md from report.sh).`);

writeFileSync(values.md ?? join(dir, 'RESULTS.md'), `${md.join('\n')}\n`);
const json = {
  env,
  load,
  rows,
  ratios,
  cpuPer1000: cpu,
  rss,
  bigInstance: big ? { ...big, summary: bigRows } : null,
  visibility: vis ?? null,
  durableWriteFloor: floorData ? { ...floorData, summary: floorRows } : null,
  pairedRetrieve: Object.keys(paired).length ? paired : null,
  caps: capsText ? capsText.split('\n') : [],
};
writeFileSync(values.json ?? join(dir, 'results.json'), `${JSON.stringify(json, null, 2)}\n`);
console.error(`report: ${values.md ?? join(dir, 'RESULTS.md')} (${ratios.length} ratios)`);
