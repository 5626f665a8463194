// "C-STORE success → visible in a query": one instance at a time over one association with
// our own SCU; after each C-STORE-RSP success the index is polled until the instance shows,
// by a C-FIND at IMAGE level for its SOP Instance UID (Study Root, hierarchical keys) when
// the peer answers C-FIND, otherwise by GET /api/statistics reaching the next count.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import {
  DataSet, QueryRetrieveModel, Status, connect, find, openPart10File, proposeQuery, proposeStorage, readDataSet, readFileMetaInformation, store,
  type Association, type Part10File,
} from '@pacs/dicom';

const QUERY_RETRIEVE_LEVEL = 0x00080052;
const STUDY_INSTANCE_UID = 0x0020000d;
const SERIES_INSTANCE_UID = 0x0020000e;
const SOP_INSTANCE_UID = 0x00080018;

export interface VisibilityOptions {
  port: number;
  httpPort: number;
  calledAeTitle: string;
  callingAeTitle: string;
  files: string[];
  useFind: boolean;
  pollIntervalMs: number;
  /** Give up on one instance after this long (counted as a miss). */
  timeoutMs: number;
}

export interface VisibilityResult {
  method: 'C-FIND IMAGE by SOP Instance UID' | 'GET /api/statistics';
  pollIntervalMs: number;
  n: number;
  missed: number;
  storeFailures: number;
  p50Ms: number | null;
  p95Ms: number | null;
  maxMs: number | null;
  meanMs: number | null;
}

interface Target extends Part10File {
  studyUid: string;
  seriesUid: string;
}

function withUids(file: Part10File): Target {
  // Small files: the whole object is read to get the hierarchy's UIDs for the query keys.
  const bytes = readFileSync(file.path);
  const ds = readDataSet(bytes.subarray(readFileMetaInformation(bytes).dataSetOffset), file.transferSyntaxUid);
  return { ...file, studyUid: ds.getUid(STUDY_INSTANCE_UID) ?? '', seriesUid: ds.getUid(SERIES_INSTANCE_UID) ?? '' };
}

export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function countInstances(httpPort: number): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${httpPort}/api/statistics`).catch(() => undefined);
  if (!res?.ok) return -1;
  return ((await res.json()) as { instances: number }).instances;
}

async function foundByFind(association: Association, t: Target): Promise<boolean> {
  const identifier = new DataSet()
    .setStrings(QUERY_RETRIEVE_LEVEL, 'IMAGE', 'CS')
    .setStrings(STUDY_INSTANCE_UID, t.studyUid, 'UI')
    .setStrings(SERIES_INSTANCE_UID, t.seriesUid, 'UI')
    .setStrings(SOP_INSTANCE_UID, t.sopInstanceUid, 'UI');
  let matches = 0;
  for await (const match of find(association, QueryRetrieveModel.StudyRootFind, identifier)) if (match.getUid(SOP_INSTANCE_UID) === t.sopInstanceUid) matches++;
  return matches > 0;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function measureVisibility(o: VisibilityOptions): Promise<VisibilityResult> {
  const targets = await Promise.all(o.files.map(async (f) => withUids(await openPart10File(f))));
  const association = await connect({
    host: '127.0.0.1',
    port: o.port,
    callingAeTitle: o.callingAeTitle,
    calledAeTitle: o.calledAeTitle,
    presentationContexts: [...proposeStorage(targets), ...(o.useFind ? proposeQuery([QueryRetrieveModel.StudyRootFind]) : [])],
  });
  const latencies: number[] = [];
  let missed = 0;
  let storeFailures = 0;
  let baseline = o.useFind ? 0 : await countInstances(o.httpPort);
  try {
    for (const t of targets) {
      const rsp = await store(association, { ...t, dataSet: t.openDataSet() });
      const acked = performance.now();
      if (rsp.status !== Status.Success) {
        storeFailures++;
        continue;
      }
      let visible = false;
      while (!visible && performance.now() - acked < o.timeoutMs) {
        visible = o.useFind ? await foundByFind(association, t) : (await countInstances(o.httpPort)) > baseline;
        if (!visible) await sleep(o.pollIntervalMs);
      }
      if (visible) latencies.push(performance.now() - acked);
      else missed++;
      if (!o.useFind) baseline = await countInstances(o.httpPort);
    }
  } finally {
    await association.release().catch(() => association.abort());
  }
  const sorted = [...latencies].sort((a, b) => a - b);
  const round = (v: number | null): number | null => (v === null ? null : Math.round(v * 10) / 10);
  return {
    method: o.useFind ? 'C-FIND IMAGE by SOP Instance UID' : 'GET /api/statistics',
    pollIntervalMs: o.pollIntervalMs,
    n: latencies.length,
    missed,
    storeFailures,
    p50Ms: round(percentile(sorted, 50)),
    p95Ms: round(percentile(sorted, 95)),
    maxMs: round(sorted.at(-1) ?? null),
    meanMs: round(sorted.length ? sorted.reduce((a, b) => a + b, 0) / sorted.length : null),
  };
}
