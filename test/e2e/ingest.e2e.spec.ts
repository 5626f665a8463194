import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { readFileMetaInformation } from '@pacs/dicom';
import { NatsBus } from '@pacs/messaging';
import { openDatabase } from '@pacs/persistence';
import { S3ObjectStore, type ObjectStore } from '@pacs/storage';
import { S3RVER_CREDENTIALS, makeDataset, startPacsProcess, startS3rver, type GeneratedInstance, type PacsProcess } from '@pacs/testing';

// Durable ingest end to end, as a modality sees it: four DCMTK storescu processes in
// parallel, then every instance indexed exactly once and stored byte-identical (data set
// part), in embedded mode and in cluster mode (separate processes, PostgreSQL, NATS, S3 API).
const PG_URL = process.env['PACS_TEST_PG_URL'] ?? 'postgres://root@127.0.0.1:5432/test';
const SHAPE = { patients: 2, studiesPerPatient: 1, seriesPerStudy: 2, instancesPerSeries: 10, size: 64 };

function storescu(port: number, files: string[], callingAe = 'MODALITY'): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn('storescu', ['-aet', callingAe, '-aec', 'PACS', '127.0.0.1', String(port), ...files], { stdio: 'ignore', env: { ...process.env, TCP_NODELAY: '1' } });
    child.on('exit', (code) => resolve(code ?? -1));
  });
}

async function sendInParallel(port: number, instances: GeneratedInstance[], associations: number): Promise<number[]> {
  const files = instances.map((i) => i.path);
  const per = Math.ceil(files.length / associations);
  return Promise.all(Array.from({ length: associations }, (_, k) => storescu(port, files.slice(k * per, (k + 1) * per))));
}

async function waitForCount(httpPort: number, expected: number): Promise<number> {
  let count = -1;
  for (let i = 0; i < 600 && count < expected; i++) {
    const res = await fetch(`http://127.0.0.1:${httpPort}/api/statistics`).catch(() => undefined);
    if (res?.ok) count = ((await res.json()) as { instances: number }).instances;
    if (count < expected) await new Promise((r) => setTimeout(r, 100));
  }
  return count;
}

function assertByteIdentical(stored: Map<string, Buffer>, sent: GeneratedInstance[]): void {
  assert.equal(stored.size, sent.length, 'one stored object per instance');
  for (const instance of sent) {
    const object = stored.get(instance.sopInstanceUid);
    assert.ok(object, `object of ${instance.sopInstanceUid}`);
    const { dataSetOffset } = readFileMetaInformation(object);
    assert.ok(object.subarray(dataSetOffset).equals(instance.dataSet), `data set of ${instance.sopInstanceUid} is byte-identical`);
  }
}

function objectsOnDisk(root: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      if (name.startsWith('.')) continue;
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else out.set(readFileMetaInformation(readFileSync(path)).meta.mediaStorageSopInstanceUid as string, readFileSync(path));
    }
  };
  walk(root);
  return out;
}

async function objectsInStore(store: ObjectStore): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  for await (const entry of store.list('')) {
    const bytes = Buffer.concat(await (await store.get(entry.key)).toArray());
    out.set(readFileMetaInformation(bytes).meta.mediaStorageSopInstanceUid as string, bytes);
  }
  return out;
}

describe('durable ingest through DCMTK storescu', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pacs-ingest-e2e-'));
  const instances = makeDataset(join(dir, 'dataset'), SHAPE);
  const processes: PacsProcess[] = [];
  const cleanups: (() => Promise<unknown>)[] = [];
  after(async () => {
    await Promise.all(processes.map((p) => p.stop('SIGKILL')));
    for (const c of cleanups) await c().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  test('embedded mode: 4 parallel associations, each instance indexed once and stored byte-identical', async () => {
    const pacs = startPacsProcess('all-in-one');
    processes.push(pacs);
    const dicom = await pacs.waitForLog((l) => l['msg'] === 'DICOM listening', 'DICOM listening');
    const http = await pacs.waitForLog((l) => l['msg'] === 'HTTP listening', 'HTTP listening');
    const codes = await sendInParallel(Number(dicom['port']), instances, 4);
    assert.deepEqual(codes, [0, 0, 0, 0], 'every storescu succeeded');
    // A second sending of the same files changes nothing (identical duplicates are dropped).
    assert.equal(await storescu(Number(dicom['port']), instances.slice(0, 5).map((i) => i.path)), 0);
    assert.equal(await waitForCount(Number(http['port']), instances.length), instances.length);
    await new Promise((r) => setTimeout(r, 500));
    assertByteIdentical(objectsOnDisk(join(pacs.dataDir, 'objects')), instances);
  });

  test('cluster mode: listener, indexer and admin-api as processes on PostgreSQL, NATS JetStream and an S3 API', async () => {
    const s3 = await startS3rver();
    cleanups.push(() => s3.stop());
    const suffix = randomBytes(4).toString('hex');
    const schema = `e2e_${suffix}`;
    const prefix = `E2E_${suffix.toUpperCase()}`;
    const bucket = `pacs-e2e-${suffix}`;
    cleanups.push(async () => {
      const db = await openDatabase({ driver: 'postgres', url: PG_URL, schema, poolSize: 1, statementTimeoutMs: 10_000 }, { migrate: false });
      await db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await db.destroy();
      const bus = await NatsBus.connect({ servers: 'nats://127.0.0.1:4222' });
      await bus.deleteStream(`${prefix}_INGEST`);
      await bus.close();
    });
    const configFile = join(dir, 'cluster.yaml');
    writeFileSync(configFile, [
      'mode: cluster',
      `database: { url: "${PG_URL}", schema: ${schema}, poolSize: 4 }`,
      `bus: { servers: "nats://127.0.0.1:4222", streamPrefix: ${prefix} }`,
      `storage: { s3: { endPoint: 127.0.0.1, port: ${s3.port}, useSSL: false, accessKey: ${S3RVER_CREDENTIALS.accessKey}, secretKey: ${S3RVER_CREDENTIALS.secretKey}, bucket: ${bucket}, createBucket: true } }`,
      // The test reads /api/statistics without a token (admin-api auth is on by default in cluster mode).
      'http: { auth: { enabled: false } }',
      'aeMap:',
      '  - { aeTitle: "MODALITY", host: 127.0.0.1, port: 104 }',
      '',
    ].join('\n'));
    const env = { PACS_CONFIG: configFile };
    const admin = startPacsProcess('admin-api', env);
    processes.push(admin);
    const http = await admin.waitForLog((l) => l['msg'] === 'HTTP listening', 'HTTP listening');
    const indexers = [startPacsProcess('indexer', env), startPacsProcess('indexer', env)];
    const listener = startPacsProcess('scp-listener', env);
    processes.push(...indexers, listener);
    const dicom = await listener.waitForLog((l) => l['msg'] === 'DICOM listening', 'DICOM listening');
    await Promise.all(indexers.map((p) => p.waitForLog((l) => l['msg'] === 'service started', 'indexer started')));

    assert.notEqual(await storescu(Number(dicom['port']), [instances[0]!.path], 'STRANGER'), 0, 'an unknown calling AE is refused in cluster mode');
    const codes = await sendInParallel(Number(dicom['port']), instances, 4);
    assert.deepEqual(codes, [0, 0, 0, 0], 'every storescu succeeded');
    assert.equal(await waitForCount(Number(http['port']), instances.length), instances.length);

    const store = new S3ObjectStore({ endPoint: '127.0.0.1', port: s3.port, useSSL: false, ...S3RVER_CREDENTIALS, bucket, region: 'us-east-1', pathStyle: true });
    assertByteIdentical(await objectsInStore(store), instances);
    const db = await openDatabase({ driver: 'postgres', url: PG_URL, schema, poolSize: 1, statementTimeoutMs: 10_000 }, { migrate: false });
    try {
      const [row] = await db.query(`SELECT (SELECT count(*) FROM instance)::int AS instances, (SELECT count(*) FROM object_location)::int AS locations,
        (SELECT count(*) FROM study)::int AS studies, (SELECT sum(number_of_instances) FROM study)::int AS counted`);
      assert.deepEqual(row, { instances: instances.length, locations: instances.length, studies: 2, counted: instances.length });
    } finally {
      await db.destroy();
    }
  });
});
