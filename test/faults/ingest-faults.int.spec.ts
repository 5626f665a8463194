// Fault tests of durable ingest (issue 5, "Done when"). The PACS runs in cluster mode as real
// processes (one scp-listener, two indexers, admin-api) on a NATS server, a PostgreSQL cluster
// and an S3 endpoint of this test's own, so each can be killed and brought back without
// disturbing other tests. DCMTK storescu plays the modality, and what it was told per instance
// is the ground truth: every instance it saw acknowledged must end up indexed exactly once and
// stored byte-identical, whatever died on the way. Waits are bounded loops on observable state
// (storescu's responses, the ingest stream's backlog, index rows), never wall-clock assertions.
//
// Cases a and d each wait out the indexers' ack wait (60 s) once: events an indexer held when
// NATS or the indexer itself died are redelivered only then.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { Status, connect, proposeStorage, readFileMetaInformation, store as cStore, type Association } from '@pacs/dicom';
import { INDEXER_DURABLE, ingestTopology } from '@pacs/domain';
import { NatsBus } from '@pacs/messaging';
import { S3ObjectStore } from '@pacs/storage';
import {
  MALFORMED_KINDS, S3RVER_CREDENTIALS, isAcknowledged, makeDataset, makeMalformedInstances, runStorescu, startPacsProcess,
  startPrivateNats, startPrivatePostgres, startRestartableS3rver, storescuInParallel,
  type GeneratedInstance, type PacsProcess, type PrivateNats, type PrivatePostgres, type RestartableS3, type StorescuFileResult,
} from '@pacs/testing';

const CT_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.2';
const EXPLICIT_LE = '1.2.840.10008.1.2.1';
const CALLING_AE = 'MODALITY';
/** 2 patients × 2 series × 30 instances of 64×64: 120 small instances per case. */
const SHAPE = { patients: 2, studiesPerPatient: 1, seriesPerStudy: 2, instancesPerSeries: 30, size: 64 };
const ASSOCIATIONS = 4;
const SCHEMA = 'pacs';

type Results = Map<string, StorescuFileResult>;

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Polls `check` until it holds; fails with `what` after `attempts` tries (a bound, not a timing).
 * `check` may return a string instead of false: the state seen, for the failure message.
 */
async function until(what: string, check: () => Promise<boolean | string>, attempts = 400, pauseMs = 250): Promise<void> {
  let seen = '';
  for (let i = 0; i < attempts; i++) {
    const outcome = await check().catch((err: unknown) => `${(err as Error).message}`);
    if (outcome === true) return;
    if (typeof outcome === 'string') seen = outcome;
    await pause(pauseMs);
  }
  assert.fail(`never reached: ${what}${seen ? ` (last seen: ${seen})` : ''}`);
}

interface Outage {
  stop(): Promise<void>;
  start(): Promise<void>;
}

interface OutageRun {
  results: Results;
  /** Failure statuses storescu got while the dependency was down. */
  failedWhileDown: number;
  /** Instances acknowledged before the dependency was taken away. */
  acknowledgedBefore: number;
  /** The failure statuses as storescu named them. */
  failureStatuses: Set<string>;
}

describe('durable ingest under faults (cluster mode, private NATS, PostgreSQL and S3)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pacs-ingest-faults-'));
  const suffix = randomBytes(4).toString('hex');
  const streamPrefix = `FAULTS_${suffix.toUpperCase()}`;
  const bucket = `pacs-faults-${suffix}`;
  const processes: PacsProcess[] = [];
  let nats: PrivateNats | undefined;
  let listener: PacsProcess | undefined;
  let postgres: PrivatePostgres | undefined;
  let s3: RestartableS3 | undefined;
  let bus: NatsBus | undefined;
  let objectStore: S3ObjectStore;
  let env: Record<string, string>;
  let dicomPort = 0;
  let httpPort = 0;
  /** Acknowledged instances of all cases so far: what admin-api's statistics must count. */
  let acknowledgedSoFar = 0;
  let indexers: PacsProcess[] = [];

  const datasetFor = (name: string): GeneratedInstance[] => makeDataset(join(dir, name), SHAPE);

  const startIndexer = async (): Promise<PacsProcess> => {
    const indexer = startPacsProcess('indexer', env);
    processes.push(indexer);
    await indexer.waitForLog((l) => l['msg'] === 'service started', 'indexer started');
    return indexer;
  };

  before(async () => {
    // Settled before going on, so `after` stops every one that started even if another did not.
    const started = await Promise.allSettled([
      startPrivateNats().then((n) => (nats = n)),
      startPrivatePostgres().then((p) => (postgres = p)),
      startRestartableS3rver().then((s) => (s3 = s)),
    ]);
    for (const outcome of started) if (outcome.status === 'rejected') throw outcome.reason;
    const [natsUrl, postgresUrl, s3Port] = [nats!.url, postgres!.url, s3!.port];
    const configFile = join(dir, 'cluster.yaml');
    writeFileSync(configFile, [
      'mode: cluster',
      `database: { url: "${postgresUrl}", schema: ${SCHEMA}, poolSize: 4, statementTimeoutMs: 10000 }`,
      `bus: { servers: "${natsUrl}", streamPrefix: ${streamPrefix} }`,
      `storage: { s3: { endPoint: 127.0.0.1, port: ${s3Port}, useSSL: false, accessKey: ${S3RVER_CREDENTIALS.accessKey}, secretKey: ${S3RVER_CREDENTIALS.secretKey}, bucket: ${bucket}, createBucket: true } }`,
      // The test reads /api/statistics without a token (admin-api auth is on by default in cluster mode).
      'http: { auth: { enabled: false } }',
      'aeMap:',
      `  - { aeTitle: "${CALLING_AE}", host: 127.0.0.1, port: 104 }`,
      '',
    ].join('\n'));
    env = { PACS_CONFIG: configFile };
    // admin-api first: it applies the migrations before the indexers open the database.
    const admin = startPacsProcess('admin-api', env);
    processes.push(admin);
    httpPort = await admin.listeningPort('HTTP');
    listener = startPacsProcess('scp-listener', env);
    processes.push(listener);
    const listening = listener.waitForLog((l) => l['msg'] === 'DICOM listening', 'DICOM listening');
    indexers = await Promise.all([startIndexer(), startIndexer()]);
    dicomPort = Number((await listening)['port']);
    bus = await NatsBus.connect({ servers: natsUrl });
    objectStore = new S3ObjectStore({ endPoint: '127.0.0.1', port: s3Port, useSSL: false, ...S3RVER_CREDENTIALS, bucket, region: 'us-east-1', pathStyle: true });
  });

  after(async () => {
    await Promise.all(processes.map((p) => p.stop('SIGKILL')));
    await bus?.close().catch(() => undefined);
    await Promise.all([nats?.dispose(), postgres?.dispose(), s3?.dispose()].map((p) => p?.catch(() => undefined)));
    rmSync(dir, { recursive: true, force: true });
  });

  /** Runs a query on the private cluster with a connection of its own (the cluster may just have restarted). */
  async function query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    const client = new pg.Client({ connectionString: postgres!.url });
    await client.connect();
    try {
      return (await client.query(sql, params)).rows as T[];
    } finally {
      await client.end();
    }
  }

  /**
   * Every event delivered to the indexers' durable and acknowledged by them (they ack after the
   * commit). The stream's own message count is not used: after a kill -9 the work-queue stream
   * may still list events its consumer had already acknowledged.
   */
  async function backlogEmpty(): Promise<true | string> {
    const info = await bus!.streamInfo(ingestTopology(streamPrefix).stream);
    const consumer = info.consumers.find((c) => c.name === INDEXER_DURABLE);
    if (consumer && consumer.pending === 0 && consumer.ackPending === 0) return true;
    return consumer ? `indexer durable: ${consumer.pending} pending, ${consumer.ackPending} awaiting ack` : 'no indexer durable';
  }

  interface IndexRow { uid: string; rows: number; locations: number; key: string | null }
  async function indexRows(uids: readonly string[]): Promise<Map<string, IndexRow>> {
    const rows = await query<IndexRow>(
      `SELECT i.sop_instance_uid AS uid, count(DISTINCT i.id)::int AS rows, count(l.id)::int AS locations, min(l.storage_key) AS key
         FROM "${SCHEMA}".instance i LEFT JOIN "${SCHEMA}".object_location l ON l.instance_fk = i.id
        WHERE i.sop_instance_uid = ANY($1) GROUP BY i.sop_instance_uid`,
      [uids],
    );
    return new Map(rows.map((r) => [r.uid, r]));
  }

  async function objectBytes(key: string): Promise<Buffer | undefined> {
    try {
      return Buffer.concat(await (await objectStore.get(key)).toArray());
    } catch {
      return undefined;
    }
  }

  async function keysOfStudies(studyUids: ReadonlySet<string>): Promise<string[]> {
    const keys: string[] = [];
    for await (const entry of objectStore.list('')) if ([...studyUids].some((uid) => entry.key.includes(uid))) keys.push(entry.key);
    return keys;
  }

  /** Re-sends what storescu did not see acknowledged, as a modality's queue would, in bounded rounds. */
  async function resendUnacknowledged(instances: readonly GeneratedInstance[], results: Results): Promise<number> {
    let resent = 0;
    for (let round = 0; round < 10; round++) {
      const pending = instances.filter((i) => !isAcknowledged(results.get(i.path)));
      if (pending.length === 0) break;
      if (round > 0) await pause(1_000);
      resent += pending.length;
      const run = runStorescu({ port: dicomPort, files: pending.map((i) => i.path), callingAe: CALLING_AE });
      await run.done;
      for (const [file, result] of run.results) if (result.outcome !== 'not-sent') results.set(file, result);
    }
    return resent;
  }

  /**
   * Sends the instances over parallel associations, takes the dependency away once `stopAfterAcks`
   * instances were acknowledged, and brings it back once storescu reported `startAfterFailures`
   * failure statuses (or when the senders are done).
   */
  async function ingestThroughOutage(instances: readonly GeneratedInstance[], outage: Outage, stopAfterAcks: number, startAfterFailures: number): Promise<OutageRun> {
    let acknowledged = 0;
    let failedWhileDown = 0;
    let acknowledgedBefore = -1;
    const failureStatuses = new Set<string>();
    let down = false;
    let stopping: Promise<void> | undefined;
    let starting: Promise<void> | undefined;
    const onResult = (r: StorescuFileResult): void => {
      if (isAcknowledged(r)) acknowledged++;
      else if (down) failedWhileDown++;
      if (r.outcome === 'failure') failureStatuses.add(r.detail);
      if (!stopping && acknowledged >= stopAfterAcks) {
        acknowledgedBefore = acknowledged;
        stopping = outage.stop().then(() => {
          down = true;
        });
      }
      if (down && !starting && failedWhileDown >= startAfterFailures) {
        starting = outage.start().then(() => {
          down = false;
        });
      }
    };
    const results = await storescuInParallel({ port: dicomPort, files: instances.map((i) => i.path), associations: ASSOCIATIONS, callingAe: CALLING_AE, onResult });
    assert.ok(stopping, `the dependency was taken away mid-ingest (after ${stopAfterAcks} of ${instances.length} acknowledgements)`);
    await stopping;
    starting ??= outage.start();
    await starting;
    return { results, failedWhileDown, acknowledgedBefore, failureStatuses };
  }

  /**
   * The durability check of a case: once the stream is drained, every acknowledged instance is
   * indexed exactly once with one location, its object is there and byte-identical (data set
   * part), no object of the case's studies is partial or (unless allowed) unreferenced, the
   * computed counts of its studies and series agree with the rows, and admin-api's statistics
   * count every instance acknowledged so far. Prints the case's one-line summary.
   */
  async function assertNothingLost(
    label: string, instances: readonly GeneratedInstance[], results: Results, notes: Record<string, number | string>, unreferencedAllowed = false,
  ): Promise<void> {
    const acknowledged = instances.filter((i) => isAcknowledged(results.get(i.path)));
    const uids = instances.map((i) => i.sopInstanceUid);
    let rows = new Map<string, IndexRow>();
    await until(`${label}: stream drained and all ${acknowledged.length} acknowledged instances indexed`, async () => {
      const backlog = await backlogEmpty();
      if (backlog !== true) return backlog;
      rows = await indexRows(uids);
      const missing = acknowledged.filter((i) => !rows.has(i.sopInstanceUid)).length;
      return missing === 0 || `${missing} acknowledged instances not indexed, stream empty`;
    }, 600);

    const duplicated = [...rows.values()].filter((r) => r.rows !== 1 || r.locations !== 1);
    const lost: string[] = [];
    for (const instance of acknowledged) {
      const row = rows.get(instance.sopInstanceUid);
      const bytes = row?.key ? await objectBytes(row.key) : undefined;
      const dataSet = bytes ? bytes.subarray(readFileMetaInformation(bytes).dataSetOffset) : undefined;
      if (!dataSet?.equals(instance.dataSet)) lost.push(`${instance.sopInstanceUid} (${row ? `object ${row.key} ${bytes ? 'differs' : 'missing'}` : 'not indexed'})`);
    }

    const bySop = new Map(instances.map((i) => [i.sopInstanceUid, i]));
    const referenced = new Set([...rows.values()].map((r) => r.key));
    const partial: string[] = [];
    const unreferenced: string[] = [];
    for (const key of await keysOfStudies(new Set(instances.map((i) => i.studyInstanceUid)))) {
      const bytes = await objectBytes(key);
      let complete = false;
      try {
        const { meta, dataSetOffset } = readFileMetaInformation(bytes ?? Buffer.alloc(0));
        complete = bySop.get(meta.mediaStorageSopInstanceUid as string)?.dataSet.equals((bytes as Buffer).subarray(dataSetOffset)) ?? false;
      } catch {
        complete = false;
      }
      if (!complete) partial.push(key);
      if (!referenced.has(key)) unreferenced.push(key);
    }

    const studies = await query<{ uid: string; counted: number; actual: number; series: number; actualSeries: number }>(
      `SELECT st.study_instance_uid AS uid, st.number_of_instances AS counted, st.number_of_series AS series,
              (SELECT count(*) FROM "${SCHEMA}".instance i JOIN "${SCHEMA}".series se ON i.series_fk = se.id WHERE se.study_fk = st.id)::int AS actual,
              (SELECT count(*) FROM "${SCHEMA}".series se WHERE se.study_fk = st.id)::int AS "actualSeries"
         FROM "${SCHEMA}".study st WHERE st.study_instance_uid = ANY($1)`,
      [[...new Set(instances.map((i) => i.studyInstanceUid))]],
    );
    const series = await query<{ uid: string; counted: number; actual: number }>(
      `SELECT se.series_instance_uid AS uid, se.number_of_instances AS counted,
              (SELECT count(*) FROM "${SCHEMA}".instance i WHERE i.series_fk = se.id)::int AS actual
         FROM "${SCHEMA}".series se WHERE se.series_instance_uid = ANY($1)`,
      [[...new Set(instances.map((i) => i.seriesInstanceUid))]],
    );
    const miscounted = [...studies.filter((s) => s.counted !== s.actual || s.series !== s.actualSeries), ...series.filter((s) => s.counted !== s.actual)];

    acknowledgedSoFar += acknowledged.length;
    const response = await fetch(`http://127.0.0.1:${httpPort}/api/statistics`);
    const statistics = response.ok ? ((await response.json()) as { instances: number }).instances : `HTTP ${response.status}`;

    const extra = Object.entries(notes).map(([k, v]) => `${k}=${v}`).join(' ');
    console.log(`[ingest-faults] ${label}: sent=${instances.length} acknowledged=${acknowledged.length} indexed=${rows.size} ${extra} statisticsTotal=${statistics} unreferenced=${unreferenced.length} duplicates=${duplicated.length} lost=${lost.length}`);
    assert.deepEqual(lost, [], `${label}: acknowledged instances lost`);
    assert.deepEqual(duplicated, [], `${label}: instances indexed more than once or without exactly one location`);
    assert.deepEqual(partial, [], `${label}: partial or foreign objects visible in storage`);
    if (!unreferencedAllowed) assert.deepEqual(unreferenced, [], `${label}: objects stored but not referenced by the index`);
    assert.deepEqual(miscounted, [], `${label}: computed counts of studies/series disagree with the rows`);
    assert.equal(statistics, acknowledgedSoFar, `${label}: admin-api counts every instance acknowledged so far, once`);
    for (const p of processes) if (!p.child.killed) assert.equal(p.child.exitCode, null, `${label}: a PACS process exited: ${p.stderr.slice(-5).join('\n')}`);
  }

  test('a. NATS killed -9 mid-ingest: failure statuses while it is away, re-sent instances succeed, 0 acknowledged lost', async () => {
    const instances = datasetFor('nats');
    const run = await ingestThroughOutage(instances, { stop: () => nats!.kill('SIGKILL'), start: () => nats!.restart() }, 20, ASSOCIATIONS);
    assert.ok(run.failedWhileDown > 0, 'C-STOREs during the outage got a failure status');
    const unanswered = [...run.results.values()].filter((r) => r.outcome === 'no-response');
    assert.deepEqual(unanswered, [], 'every C-STORE got a response (the listener survived)');
    const failedFirst = instances.filter((i) => !isAcknowledged(run.results.get(i.path))).length;
    const resent = await resendUnacknowledged(instances, run.results);
    await assertNothingLost('a. NATS stopped', instances, run.results, { acknowledgedBeforeKill: run.acknowledgedBefore, failedWhileDown: run.failedWhileDown, failedFirstTime: failedFirst, resent, statuses: JSON.stringify([...run.failureStatuses]) },
      // A publish that timed out may or may not have reached the stream, so its object is kept:
      // indexed if the event arrived, otherwise the reconciler's to announce (complete, checked).
      true);
    assert.equal(instances.filter((i) => !isAcknowledged(run.results.get(i.path))).length, 0, `every instance acknowledged after recovery; ${listener!.problems()}`);
  });

  test('b. PostgreSQL stopped: C-STOREs keep succeeding, the indexers retry and catch up', async () => {
    const instances = datasetFor('postgres');
    const half = Math.floor(instances.length / 2);
    const before = await storescuInParallel({ port: dicomPort, files: instances.slice(0, half).map((i) => i.path), associations: 2, callingAe: CALLING_AE });
    await until('first half indexed', async () => (await indexRows(instances.slice(0, half).map((i) => i.sopInstanceUid))).size === half);
    const retriesBefore = indexers.reduce((n, p) => n + p.logs.filter((l) => l['msg'] === 'indexing failed; will retry').length, 0);
    await postgres!.stop('immediate');
    const during = await storescuInParallel({ port: dicomPort, files: instances.slice(half).map((i) => i.path), associations: ASSOCIATIONS, callingAe: CALLING_AE });
    const results: Results = new Map([...before, ...during]);
    const notAcknowledged = [...during.values()].filter((r) => !isAcknowledged(r));
    assert.deepEqual(notAcknowledged, [], `with PostgreSQL down, every C-STORE still succeeds (the listener never uses the database); ${listener!.problems()}`);
    let retries = 0;
    await until('an indexer failed and scheduled a retry', async () => {
      retries = indexers.reduce((n, p) => n + p.logs.filter((l) => l['msg'] === 'indexing failed; will retry').length, 0) - retriesBefore;
      return retries > 0;
    });
    assert.notEqual(await backlogEmpty(), true, 'events wait in the stream while the database is down');
    await postgres!.start();
    await assertNothingLost('b. PostgreSQL stopped', instances, results, { acknowledgedWhileDbDown: during.size, indexerRetries: retries });
  });

  test('c. S3 endpoint stopped mid-ingest: failure statuses while it is away, nothing partial stored, 0 acknowledged lost', async () => {
    const instances = datasetFor('s3');
    const run = await ingestThroughOutage(instances, { stop: () => s3!.stop(), start: () => s3!.start() }, 20, ASSOCIATIONS);
    assert.ok(run.failedWhileDown > 0, 'C-STOREs during the outage got a failure status');
    const failedFirst = instances.filter((i) => !isAcknowledged(run.results.get(i.path))).length;
    const resent = await resendUnacknowledged(instances, run.results);
    await assertNothingLost('c. S3 stopped', instances, run.results, { acknowledgedBeforeStop: run.acknowledgedBefore, failedWhileDown: run.failedWhileDown, failedFirstTime: failedFirst, resent, statuses: JSON.stringify([...run.failureStatuses]) });
    assert.equal(instances.filter((i) => !isAcknowledged(run.results.get(i.path))).length, 0, `every instance acknowledged after recovery; ${listener!.problems()}`);
  });

  test('d. an indexer killed -9 mid-batch and restarted: every acknowledged instance indexed exactly once', async () => {
    const instances = datasetFor('indexer');
    const uids = instances.map((i) => i.sopInstanceUid);
    let acknowledged = 0;
    const sending = storescuInParallel({
      port: dicomPort, files: instances.map((i) => i.path), associations: ASSOCIATIONS, callingAe: CALLING_AE,
      onResult: (r) => {
        if (isAcknowledged(r)) acknowledged++;
      },
    });
    // Half indexed, or (should the indexers lag) three quarters acknowledged: either way events
    // are still flowing to the indexers when one of them dies.
    let indexedAtKill = 0;
    let acknowledgedAtKill = 0;
    await until('half of the batch indexed or three quarters acknowledged', async () => {
      indexedAtKill = (await indexRows(uids)).size;
      acknowledgedAtKill = acknowledged;
      return indexedAtKill >= instances.length / 2 || acknowledgedAtKill >= (instances.length * 3) / 4;
    }, 2_000, 20);
    const victim = indexers[0]!;
    await victim.stop('SIGKILL');
    assert.ok(indexedAtKill < instances.length || acknowledgedAtKill < instances.length, `the indexer died mid-batch (${indexedAtKill} indexed, ${acknowledgedAtKill} acknowledged of ${instances.length})`);
    indexers = [await startIndexer(), indexers[1]!];
    const results = await sending;
    assert.deepEqual([...results.values()].filter((r) => !isAcknowledged(r)), [], `every instance acknowledged; ${listener!.problems()}`);
    await assertNothingLost('d. indexer killed -9', instances, results, { indexedAtKill, acknowledgedAtKill });
  });

  test('e. malformed data sets get a failure status; nothing stored, nothing indexed', async () => {
    const sources = makeDataset(join(dir, 'malformed-sources'), { ...SHAPE, patients: 1, seriesPerStudy: 1, instancesPerSeries: MALFORMED_KINDS });
    const malformedDir = join(dir, 'malformed');
    mkdirSync(malformedDir);
    const malformed = makeMalformedInstances(malformedDir, sources, CT_IMAGE_STORAGE);
    const objectsBefore = await keysOfStudies(new Set(sources.map((s) => s.studyInstanceUid)));

    // storescu first, as a modality would send them; it refuses to read some (truncated, no SOP
    // Instance UID, broken lengths) and takes the command's UID from the data set, so every data
    // set is also sent exactly as built, over our own SCU.
    const viaStorescu = runStorescu({ port: dicomPort, files: malformed.filter((m) => !m.wireOnly).map((m) => m.path), callingAe: CALLING_AE });
    await viaStorescu.done;
    const storescuAccepted = malformed.filter((m) => isAcknowledged(viaStorescu.results.get(m.path))).map((m) => m.name);
    assert.deepEqual(storescuAccepted, [], 'no malformed instance sent by storescu was acknowledged');

    const association: Association = await connect({
      host: '127.0.0.1', port: dicomPort, callingAeTitle: CALLING_AE, calledAeTitle: 'PACS',
      presentationContexts: proposeStorage([{ sopClassUid: CT_IMAGE_STORAGE, transferSyntaxUid: EXPLICIT_LE }]),
    });
    const statuses: Record<string, string> = {};
    try {
      for (const m of malformed) {
        const rsp = await cStore(association, { sopClassUid: m.sopClassUid, sopInstanceUid: m.commandSopInstanceUid, transferSyntaxUid: EXPLICIT_LE, dataSet: m.dataSet });
        statuses[m.name] = `0x${rsp.status.toString(16).padStart(4, '0')}`;
      }
    } finally {
      await association.release();
    }
    const succeeded = Object.entries(statuses).filter(([, status]) => Number(status) === Status.Success || (Number(status) & 0xf000) === 0xb000);
    assert.deepEqual(succeeded, [], 'every malformed C-STORE got a failure status');

    await until('ingest stream drained', backlogEmpty);
    const indexed = await indexRows(malformed.flatMap((m) => m.sopInstanceUids));
    const objectsAfter = await keysOfStudies(new Set([...sources.map((s) => s.studyInstanceUid), ...malformed.map((m) => m.studyInstanceUid)]));
    const refusedByStorescu = malformed.filter((m) => viaStorescu.results.get(m.path)?.outcome === 'refused').length;
    console.log(`[ingest-faults] e. malformed: kinds=${malformed.length} statuses=${JSON.stringify(statuses)} refusedByStorescu=${refusedByStorescu} stored=${objectsAfter.length - objectsBefore.length} indexed=${indexed.size} lost=0`);
    assert.deepEqual(objectsAfter, objectsBefore, 'nothing stored');
    assert.deepEqual([...indexed.keys()], [], 'nothing indexed');
  });
});
