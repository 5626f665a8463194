// C-FIND latency as ../shared/peers/bench.sh measures it: one DCMTK findscu process per query
// (process start, association, C-FIND, release), the same three queries with the same keys,
// and the number of matches counted in an extra untimed run (-X: one rsp*.dcm per match).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type FindName = 'find-pid' | 'find-pn' | 'find-img';
export const FIND_NAMES: readonly FindName[] = ['find-pid', 'find-pn', 'find-img'];

export interface FindCase {
  name: FindName;
  /** What the dataset's manifest says the answer count is. */
  expected: number;
  /** findscu arguments after the connection options, up to (not including) host and port. */
  keys: string[];
}

/** make-dataset.sh's manifest.env as a map (values unquoted). */
export function readManifest(datasetDir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of readFileSync(join(datasetDir, 'manifest.env'), 'utf8').split('\n')) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (m) out[m[1]!] = m[2]!.replace(/^'(.*)'$/, '$1');
  }
  return out;
}

/** bench.sh's 13 study-level return keys. */
const STUDY_KEYS = [
  'StudyInstanceUID', 'StudyDate', 'StudyTime', 'AccessionNumber', 'StudyID', 'StudyDescription', 'ReferringPhysicianName',
  'PatientName', 'PatientBirthDate', 'PatientSex', 'ModalitiesInStudy', 'NumberOfStudyRelatedSeries', 'NumberOfStudyRelatedInstances',
].flatMap((k) => ['-k', k]);

/** The three queries of bench.sh; the matching key comes last (a later -k for a tag wins). */
export function findCases(manifest: Record<string, string>): FindCase[] {
  const need = (key: string): string => {
    const value = manifest[key];
    if (value === undefined || value === '') throw new Error(`manifest.env has no ${key}`);
    return value;
  };
  return [
    { name: 'find-pid', expected: Number(need('Q_STUDIES_OF_PATIENT')), keys: ['-S', '-k', 'QueryRetrieveLevel=STUDY', ...STUDY_KEYS, '-k', `PatientID=${need('Q_PATIENT_ID')}`] },
    {
      name: 'find-pn',
      expected: Number(need('Q_PATIENT_NAME_WILDCARD_MATCHES')),
      keys: ['-S', '-k', 'QueryRetrieveLevel=STUDY', ...STUDY_KEYS, '-k', 'PatientID', '-k', `PatientName=${need('Q_PATIENT_NAME_WILDCARD')}`],
    },
    {
      name: 'find-img',
      expected: Number(need('Q_SERIES_INSTANCES')),
      keys: ['-S', '-k', 'QueryRetrieveLevel=IMAGE', '-k', `StudyInstanceUID=${need('Q_STUDY_UID')}`, '-k', `SeriesInstanceUID=${need('Q_SERIES_UID')}`,
        '-k', 'SOPInstanceUID', '-k', 'SOPClassUID', '-k', 'InstanceNumber'],
    },
  ];
}

export interface Target {
  aet: string;
  port: number;
  host?: string;
  callingAet?: string;
  maxPdu?: number;
}

const ENV = { ...process.env, TCP_NODELAY: '1' };

function findscu(target: Target, extra: string[], c: FindCase): ReturnType<typeof spawnSync> {
  const args = ['-aet', target.callingAet ?? 'BENCHSCU', '-aec', target.aet, '-pdu', String(target.maxPdu ?? 16384), ...extra, ...c.keys, target.host ?? '127.0.0.1', String(target.port)];
  return spawnSync('findscu', args, { env: ENV, encoding: 'latin1', timeout: 120_000 });
}

/** Matches the server returns: one extracted response file per pending C-FIND-RSP. */
export function countMatches(target: Target, c: FindCase): { matches: number; ok: boolean; log: string } {
  const dir = mkdtempSync(join(tmpdir(), `find-scale-${c.name}-`));
  try {
    const r = findscu(target, ['-X', '-od', dir], c);
    const matches = readdirSync(dir).filter((f) => /^rsp.*\.dcm$/.test(f)).length;
    return { matches, ok: r.status === 0, log: `${r.stdout ?? ''}${r.stderr ?? ''}`.slice(-2000) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Wall time of `n` findscu runs (quiet: -sr), in ms, in run order; a failed run throws. */
export function timeRuns(target: Target, c: FindCase, n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    const r = findscu(target, ['-sr'], c);
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (r.status !== 0) throw new Error(`findscu ${c.name} failed (rc=${r.status ?? r.signal}): ${`${r.stderr ?? ''}`.slice(-500)}`);
    out.push(ms);
  }
  return out;
}

/** Nearest-rank percentile (p in 0..100) of unsorted samples. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}

export interface FindResult {
  name: FindName;
  expected: number;
  matches: number;
  runs: number;
  p50Ms: number;
  p95Ms: number;
  minMs: number;
  samplesMs: number[];
}

export function measureFind(target: Target, c: FindCase, n: number): FindResult {
  const counted = countMatches(target, c);
  if (!counted.ok) throw new Error(`findscu ${c.name} (counting run) failed: ${counted.log}`);
  const samples = timeRuns(target, c, n);
  return {
    name: c.name, expected: c.expected, matches: counted.matches, runs: n,
    p50Ms: round(percentile(samples, 50)), p95Ms: round(percentile(samples, 95)), minMs: round(Math.min(...samples)),
    samplesMs: samples.map(round),
  };
}

const round = (x: number): number => Math.round(x * 100) / 100;
