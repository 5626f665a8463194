// bench/find-scale-results.md and .json from the raw files of one bench/find-scale.sh run:
// env.txt, store.tsv, <label>.json (ScaleRun) for orthanc-pg@10^4, ours@10^4 and ours@10^6,
// load.json (the bulk load) and explain.txt (the plans at 10^6).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIND_NAMES, type FindName, type FindResult } from './find-latency';

export interface ScaleRun {
  label: string;
  instances: number;
  runs: number;
  loadBefore: number;
  loadAfter: number;
  echoP50Ms: number;
  echoP95Ms: number;
  results: FindResult[];
}

interface LoadResult {
  before: number;
  written: number;
  after: number;
  batchSize: number;
  concurrency: number;
  loadSeconds: number;
  instancesPerSecond: number;
  analyzeSeconds: number;
  patients: number;
  studies: number;
  series: number;
  databaseMiB: number;
  loadBefore: number;
  loadAfter: number;
}

/** The three columns of the report, in order, with the file each comes from. */
export const SCALE_RUNS = [
  { key: 'orthanc-pg-1e4', title: 'orthanc-pg @ 10^4' },
  { key: 'pacs-cluster-1e4', title: 'ours (cluster) @ 10^4' },
  { key: 'pacs-cluster-1e6', title: 'ours (cluster) @ 10^6' },
] as const;

/** 10000 → "10^4"; other counts as they are. */
const scale = (n: number | undefined): string => {
  if (n === undefined || n <= 0) return '?';
  const e = Math.log10(n);
  return Number.isInteger(e) ? `10^${e}` : n.toLocaleString('en-US');
};
const readJson = <T>(path: string): T | undefined => (existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as T) : undefined);
const fmt = (x: number | undefined, digits = 1): string => (x === undefined || !Number.isFinite(x) ? '-' : x.toFixed(digits));
const QUERY_TITLE: Record<FindName, string> = {
  'find-pid': 'study level, PatientID (Study Root)',
  'find-pn': 'study level, PatientName wildcard (Study Root)',
  'find-img': 'image level, SeriesInstanceUID (Study Root, IMAGE)',
};

/** Writes the report; returns the failed answer checks (empty when every count agrees). */
export function writeFindScaleReport(dir: string, mdPath: string, jsonPath: string): string[] {
  const runs = Object.fromEntries(SCALE_RUNS.map(({ key }) => [key, readJson<ScaleRun>(join(dir, `${key}.json`))])) as Record<string, ScaleRun | undefined>;
  const load = readJson<LoadResult>(join(dir, 'load.json'));
  const env = existsSync(join(dir, 'env.txt')) ? readFileSync(join(dir, 'env.txt'), 'utf8').trim() : '';
  const stores = existsSync(join(dir, 'store.tsv'))
    ? readFileSync(join(dir, 'store.tsv'), 'utf8').trim().split('\n').slice(1).filter(Boolean).map((l) => l.split('\t'))
    : [];
  const title = (key: string): string => {
    const run = runs[key];
    return run ? `${run.label === 'pacs-cluster' ? 'ours (cluster)' : run.label} @ ${scale(run.instances)}` : SCALE_RUNS.find((r) => r.key === key)!.title;
  };
  const result = (key: string, name: FindName): FindResult | undefined => runs[key]?.results.find((r) => r.name === name);

  // Answer checks: both servers give the same count at 10^4, and ours the same at 10^6.
  const failed: string[] = [];
  const checks: Array<{ query: FindName; orthancPg?: number; ours1e4?: number; ours1e6?: number; manifest?: number; agree: boolean }> = [];
  for (const name of FIND_NAMES) {
    const [a, b, c] = SCALE_RUNS.map(({ key }) => result(key, name)?.matches);
    const manifest = result('pacs-cluster-1e4', name)?.expected ?? result('orthanc-pg-1e4', name)?.expected;
    const agree = a !== undefined && a === b && (c === undefined || c === b);
    if (!agree) failed.push(`${name}: orthanc-pg@10^4 ${a ?? '-'}, ours@10^4 ${b ?? '-'}, ours@10^6 ${c ?? '-'}`);
    checks.push({ query: name, orthancPg: a, ours1e4: b, ours1e6: c, manifest, agree });
  }

  const ratios = FIND_NAMES.map((name) => {
    const ref = result('orthanc-pg-1e4', name)?.p50Ms;
    const big = result('pacs-cluster-1e6', name)?.p50Ms;
    const small = result('pacs-cluster-1e4', name)?.p50Ms;
    const study = name !== 'find-img';
    const ratio = ref && big !== undefined ? big / ref : undefined;
    return {
      query: name,
      ours1e6OverOrthancPg1e4: ratio,
      ours1e4OverOrthancPg1e4: ref && small !== undefined ? small / ref : undefined,
      ours1e6OverOurs1e4: small && big !== undefined ? big / small : undefined,
      target: study ? '≤ 1 (issue #6)' : 'no target',
      met: study && ratio !== undefined ? ratio <= 1 : undefined,
    };
  });

  const small = scale(runs['pacs-cluster-1e4']?.instances ?? runs['orthanc-pg-1e4']?.instances);
  const big = scale(runs['pacs-cluster-1e6']?.instances);
  const md: string[] = [
    '# C-FIND at scale',
    '',
    'Produced by `bench/find-scale.sh` (see bench/README.md, "C-FIND at scale"): C-FIND latency of orthanc-pg',
    '(../shared/peers) with 10^4 instances, and of our PACS in cluster mode with the same 10^4 instances and',
    'then with its index bulk-loaded to 10^6 through the indexer\'s repository. Every latency is the wall time',
    'of one DCMTK `findscu` process (start-up, association, query, release; `TCP_NODELAY=1`), as',
    '`../shared/peers/bench.sh` measures it; the C-ECHO row is that baseline. p50/p95 are nearest-rank',
    'percentiles of the timed runs. Ratios are ours / orthanc-pg (lower is better).',
    '',
    '```',
    env,
    '```',
    '',
    '## Latency (ms)',
    '',
    `| query | ${SCALE_RUNS.map((r) => `${title(r.key)} p50 / p95`).join(' | ')} |`,
    `|---|${SCALE_RUNS.map(() => '---').join('|')}|`,
    `| C-ECHO (baseline) | ${SCALE_RUNS.map(({ key }) => `${fmt(runs[key]?.echoP50Ms)} / ${fmt(runs[key]?.echoP95Ms)}`).join(' | ')} |`,
    ...FIND_NAMES.map((name) => `| ${name}: ${QUERY_TITLE[name]} | ${SCALE_RUNS.map(({ key }) => {
      const r = result(key, name);
      return r ? `${fmt(r.p50Ms)} / ${fmt(r.p95Ms)}` : '-';
    }).join(' | ')} |`),
    `| runs per query; 1-min load average before → after | ${SCALE_RUNS.map(({ key }) => {
      const r = runs[key];
      return r ? `${r.runs}; ${r.loadBefore} → ${r.loadAfter}` : '-';
    }).join(' | ')} |`,
    '',
    '## Ratios (p50)',
    '',
    `| query | ours@${big} / orthanc-pg@${small} | target | met | ours@${small} / orthanc-pg@${small} | ours@${big} / ours@${small} |`,
    '|---|---|---|---|---|---|',
    ...ratios.map((r) => `| ${r.query} | ${fmt(r.ours1e6OverOrthancPg1e4, 2)} | ${r.target} | ${r.met === undefined ? '-' : r.met ? 'yes' : 'no'} | ${fmt(r.ours1e4OverOrthancPg1e4, 2)} | ${fmt(r.ours1e6OverOurs1e4, 2)} |`),
    '',
    '## Answers (number of matches)',
    '',
    `| query | manifest | orthanc-pg@${small} | ours@${small} | ours@${big} | same |`,
    '|---|---|---|---|---|---|',
    ...checks.map((c) => `| ${c.query} | ${c.manifest ?? '-'} | ${c.orthancPg ?? '-'} | ${c.ours1e4 ?? '-'} | ${c.ours1e6 ?? '-'} | ${c.agree ? 'yes' : 'NO'} |`),
    '',
  ];
  if (stores.length > 0) {
    md.push('## Loading', '', '| server | instances | how | seconds | inst/s | note |', '|---|---|---|---|---|---|');
    for (const [label, n, how, seconds, note] of stores) {
      md.push(`| ${label} | ${n} | ${how} | ${seconds} | ${fmt(Number(n) / Number(seconds))} | ${note ?? ''} |`);
    }
    if (load) {
      md.push(`| ours (cluster) | ${load.written} (${load.before} → ${load.after}) | TypeOrmIndexRepository.upsertInstances, batches of ${load.batchSize}, ${load.concurrency} at once | ${load.loadSeconds} | ${load.instancesPerSecond} | ` +
        `${load.patients} patients, ${load.studies} studies, ${load.series} series; ${load.databaseMiB} MiB of tables; ANALYZE ${load.analyzeSeconds} s; load ${load.loadBefore} → ${load.loadAfter} |`);
    }
    md.push('');
  }
  if (existsSync(join(dir, 'explain.txt'))) {
    md.push(`## Query plans at ${big}`, '', `EXPLAIN (ANALYZE, BUFFERS) of our SQL at ${big}, through a cursor as the repository runs it: ${join(dir, 'explain.txt')}`, '');
    for (const part of readFileSync(join(dir, 'explain.txt'), 'utf8').split(/^## /m).filter(Boolean)) {
      const name = part.split('\n')[0];
      md.push(`- ${name}: execution ${/Execution Time: ([0-9.]+ ms)/.exec(part)?.[1] ?? '?'}, planning ${/Planning Time: ([0-9.]+ ms)/.exec(part)?.[1] ?? '?'}`);
    }
    md.push('');
  }
  md.push(`Raw files: \`${dir}\``, '');
  writeFileSync(mdPath, md.join('\n'));
  writeFileSync(jsonPath, `${JSON.stringify({ env, runs, load: load ?? null, stores, checks, ratios, failed }, null, 2)}\n`);
  return failed;
}
