import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { DataSet, encodePart10, readDataSet, readFileMetaInformation, writeDataSet } from '@pacs/dicom';
import { DEFAULT_KEY_TEMPLATE, objectKey } from '@pacs/domain';
import { openDatabase, type DataSource } from '@pacs/persistence';
import { runServices, type RunningProcess, type ServiceContext } from '@pacs/runtime';
import { IndexerBacklog } from '@pacs/service-archiver';
import { indexerService } from '@pacs/service-indexer';
import type { ObjectStore } from '@pacs/storage';
import { S3RVER_CREDENTIALS, makeDataset, putCutOff, startPrivateNats, startS3rver, type DatasetShape, type GeneratedInstance } from '@pacs/testing';

// The real indexer (as a service, in this process) on PGlite + in-process bus + filesystem
// (embedded mode) or PostgreSQL + NATS JetStream + an S3 API (cluster mode), for the regen and
// reconciler tests: what they announce goes through the normal indexer path.
const PG_URL = process.env['PACS_TEST_PG_URL'] ?? 'postgres://root@127.0.0.1:5432/test';

export interface Harness {
  ctx: ServiceContext;
  store: ObjectStore;
  db: DataSource;
  /** Filesystem root of the store (embedded mode), where lastModified can be set. */
  fsRoot?: string;
  /** Leaves under `key` the first `sent` bytes of `body`, as a writer that died midway would. */
  putIncomplete(key: string, body: Buffer, sent: number): Promise<void>;
  stop(): Promise<void>;
}

export interface Setup {
  name: string;
  start(): Promise<Harness>;
}

const quiet = { log: { level: 'silent' }, http: { host: '127.0.0.1', port: 0 }, telemetry: { prometheus: { enabled: false } }, reconciler: { enabled: false } };

async function withIndexer(
  overrides: Record<string, unknown>, cleanup: () => Promise<void>, putIncomplete: Harness['putIncomplete'], fsRoot?: string,
): Promise<Harness> {
  let running: RunningProcess;
  try {
    running = await runServices('regen-test', [indexerService], { overrides: { ...quiet, ...overrides }, env: {}, argv: [], installSignalHandlers: false });
  } catch (err) {
    await cleanup();
    throw err;
  }
  const ctx = running.context;
  const [store, db] = await Promise.all([ctx.infra.objectStore(), ctx.infra.database()]);
  return {
    ctx, store, db, ...(fsRoot ? { fsRoot } : {}), putIncomplete,
    async stop() {
      await running.stop();
      await cleanup();
    },
  };
}

export const SETUPS: Setup[] = [
  {
    name: 'embedded mode (PGlite, in-process bus, filesystem)',
    async start() {
      const dir = mkdtempSync(join(tmpdir(), 'pacs-regen-'));
      const root = join(dir, 'objects');
      // The filesystem store writes whole objects only (temporary file, then rename): a cut
      // object there is another tool's, written without a digest record.
      const putIncomplete = async (key: string, body: Buffer, sent: number) => {
        mkdirSync(dirname(join(root, key)), { recursive: true });
        writeFileSync(join(root, key), body.subarray(0, sent));
      };
      return withIndexer({ mode: 'embedded', dataDir: dir }, async () => rmSync(dir, { recursive: true, force: true }), putIncomplete, root);
    },
  },
  {
    name: 'cluster mode (PostgreSQL, NATS JetStream, S3 API)',
    async start() {
      // A NATS server of its own: every ingest stream captures the same subjects, so two on one
      // server (tests running in parallel) would overlap.
      const [s3, nats] = await Promise.all([startS3rver(), startPrivateNats()]);
      const suffix = randomBytes(4).toString('hex');
      const schema = `regen_${suffix}`;
      const cleanup = async () => {
        const db = await openDatabase({ driver: 'postgres', url: PG_URL, schema, poolSize: 1, statementTimeoutMs: 10_000 }, { migrate: false });
        await db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        await db.destroy();
        await Promise.all([nats.dispose(), s3.stop()]);
      };
      const bucket = `pacs-regen-${suffix}`;
      return withIndexer({
        mode: 'cluster',
        database: { url: PG_URL, schema, poolSize: 4 },
        bus: { servers: nats.url },
        storage: { s3: { endPoint: '127.0.0.1', port: s3.port, useSSL: false, ...S3RVER_CREDENTIALS, bucket, createBucket: true } },
      }, cleanup, (key, body, sent) => putCutOff(s3, bucket, key, body, sent));
    },
  },
];

/**
 * makeDataset's instances, with the study-level Referenced Study Sequence made the same for
 * every instance of a study, as in real studies. (Generated, it differs per instance; the
 * study row then holds the newest instance's, and objects stored within the same second on
 * S3 are equally new, so which one is a matter of indexing order.)
 */
export function makeStudies(dir: string, shape: DatasetShape): GeneratedInstance[] {
  return makeDataset(dir, shape).map((instance) => {
    const file = readFileSync(instance.path);
    const { meta, dataSetOffset } = readFileMetaInformation(file);
    const ds = readDataSet(file.subarray(dataSetOffset), meta.transferSyntaxUid);
    ds.setSequence(0x00081110, [new DataSet().setStrings(0x00081150, '1.2.840.10008.3.1.2.3.1').setStrings(0x00081155, `${instance.studyInstanceUid}.1`)], false);
    const dataSet = writeDataSet(ds, meta.transferSyntaxUid);
    writeFileSync(instance.path, encodePart10({ mediaStorageSopClassUid: meta.mediaStorageSopClassUid as string, mediaStorageSopInstanceUid: instance.sopInstanceUid, transferSyntaxUid: meta.transferSyntaxUid }, dataSet));
    return { ...instance, dataSet };
  });
}

/** A key for a new copy of the instance, as the listener names one. */
export const newObjectKey = (instance: GeneratedInstance): string => objectKey(DEFAULT_KEY_TEMPLATE, {
  studyInstanceUid: instance.studyInstanceUid, seriesInstanceUid: instance.seriesInstanceUid, sopInstanceUid: instance.sopInstanceUid,
  uploadId: randomBytes(9).toString('base64url'),
});

/** The configuration's default tier (ingest.tier), which the listener does not write into an object's metadata. */
const DEFAULT_TIER = 'primary';

/**
 * Stores a generated instance's Part 10 file as the listener would, without announcing it: key
 * template, no digest kept by the store (the index keeps it), tier metadata only for a tier other
 * than the default.
 */
export async function putObject(store: ObjectStore, instance: GeneratedInstance, bytes: Buffer = readFileSync(instance.path), tier = DEFAULT_TIER): Promise<string> {
  const key = newObjectKey(instance);
  await store.put(key, Readable.from([bytes]), { recordDigest: false, ...(tier === DEFAULT_TIER ? {} : { metadata: { tier } }) });
  return key;
}

/** Resolves once the indexer has handled every announced event. */
export async function indexerCaughtUp(h: Harness): Promise<void> {
  const backlog = new IndexerBacklog(await h.ctx.infra.bus(), `${h.ctx.config.bus.streamPrefix}_INGEST`, 20);
  for (let i = 0; i < 3000; i++) {
    if ((await backlog.current()) === 0) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('the indexer did not catch up');
}

const SURROGATES = `ARRAY['id', 'patient_fk', 'study_fk', 'series_fk', 'instance_fk']`;
// attributes_received_at of a patient, study or series row is the receive time of the instance
// that brought its values; when several instances carry the same values it is the one indexed
// first, which depends on how events were batched, not on what is stored (see upsertLevel).
const TIMESTAMPS = `ARRAY['created_at', 'updated_at', 'verified_at', 'attributes_received_at']`;

/**
 * Every index row, parents named by UID instead of id. `exact`: also ids and timestamps, for
 * "nothing changed at all"; otherwise without them, for "rebuilt identically".
 */
export async function dumpIndex(db: DataSource, exact = false): Promise<Record<string, unknown[]>> {
  const drop = (alias: string) => (exact ? `to_jsonb(${alias})` : `(to_jsonb(${alias}) - ${SURROGATES} - ${TIMESTAMPS})`);
  const rows = async (sql: string) => ((await db.query(sql)) as { r: unknown }[]).map((x) => x.r);
  return {
    patient: await rows(`SELECT ${drop('p')} AS r FROM patient p ORDER BY patient_id, issuer`),
    study: await rows(`SELECT ${drop('s')} || jsonb_build_object('patient', p.patient_id) AS r FROM study s JOIN patient p ON p.id = s.patient_fk ORDER BY s.study_instance_uid`),
    series: await rows(`SELECT ${drop('e')} || jsonb_build_object('study', s.study_instance_uid) AS r FROM series e JOIN study s ON s.id = e.study_fk ORDER BY e.series_instance_uid`),
    instance: await rows(`SELECT ${drop('i')} || jsonb_build_object('series', e.series_instance_uid) AS r FROM instance i JOIN series e ON e.id = i.series_fk ORDER BY i.sop_instance_uid`),
    object_location: await rows(`SELECT ${drop('l')} || jsonb_build_object('instance', i.sop_instance_uid) AS r FROM object_location l JOIN instance i ON i.id = l.instance_fk ORDER BY l.storage_key`),
  };
}
