// Storage tiers end to end (issue 8) on real services: a primary S3 API, a filesystem mirror
// tier and a second S3 API as the nearline tier; listener, indexer, qr-service and archivers
// as real processes. Mirror copies for every acknowledged object; a nightly move with a low
// threshold takes the oldest studies to nearline and C-MOVE (DCMTK movescu → DCMTK storescp)
// still retrieves them byte for byte; an archiver killed -9 in the middle of a move is
// replaced and the move completes with nothing lost and no duplicate location.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { readFileMetaInformation } from '@pacs/dicom';
import { TypeOrmSettingsRepository } from '@pacs/persistence';
import { VERIFY_LAST_RUN } from '@pacs/service-archiver';
import { FilesystemObjectStore, type ObjectStore } from '@pacs/storage';
import { isAcknowledged, makeDataset, runStorescu, type GeneratedInstance, type PacsProcess } from '@pacs/testing';
import { freePort, startArchiveSystem, startS3Tier, startStorescp, runTool, until, type ArchiveSystem, type S3Tier, type Storescp } from './support/archive-system';

const SHAPE = { patients: 1, studiesPerPatient: 1, seriesPerStudy: 2, instancesPerSeries: 5, size: 64 };

interface LocationRow {
  sop: string;
  study: string;
  tier: string;
  key: string;
  digest: string;
  status: string;
}

const dataSetOf = (bytes: Buffer): Buffer => bytes.subarray(readFileMetaInformation(bytes).dataSetOffset);
const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');
const readAll = async (store: ObjectStore, key: string): Promise<Buffer> => Buffer.concat(await (await store.get(key)).toArray());

describe('storage tiers: mirror, nightly move, crash during a move, C-MOVE from nearline', { timeout: 600_000 }, () => {
  let system: ArchiveSystem;
  let nearline: S3Tier;
  let mirrorRoot: string;
  let listener: PacsProcess;
  let storescp: Storescp;
  const studies: GeneratedInstance[][] = [];
  let primaryStore: ObjectStore;
  let nearlineStore: ObjectStore;
  let mirrorStore: FilesystemObjectStore;
  let tiers: Record<string, unknown>[];
  const archivers: PacsProcess[] = [];

  const locations = async (): Promise<LocationRow[]> =>
    system.db.query(
      `SELECT i.sop_instance_uid AS sop, st.study_instance_uid AS study, l.tier, l.storage_key AS key, l.digest, l.status
       FROM object_location l JOIN instance i ON i.id = l.instance_fk JOIN series se ON se.id = i.series_fk JOIN study st ON st.id = se.study_fk
       ORDER BY i.sop_instance_uid, l.tier`,
    );
  const tiersOf = (rows: LocationRow[], sop: string) => rows.filter((r) => r.sop === sop).map((r) => `${r.tier}:${r.status}`).sort();

  const sendStudy = async (name: string): Promise<GeneratedInstance[]> => {
    const instances = makeDataset(join(system.dir, name), SHAPE);
    const run = runStorescu({ port: system.dicomPort(listener), files: instances.map((i) => i.path), callingAe: 'MODALITY', calledAe: 'PACS' });
    await run.done;
    for (const i of instances) assert.ok(isAcknowledged(run.results.get(i.path)), `${i.path}: ${run.results.get(i.path)?.detail}`);
    await until(`${name} indexed`, async () => {
      const [row] = await system.db.query(`SELECT count(*)::int AS n FROM instance i JOIN series se ON se.id = i.series_fk JOIN study st ON st.id = se.study_fk WHERE st.study_instance_uid = $1`, [instances[0]!.studyInstanceUid]);
      return row.n === instances.length;
    });
    return instances;
  };

  const archiverConfig = (name: string, archiver: Record<string, unknown>) => system.configFile(name, {
    archiver: { pollIntervalMs: 100, schedulerIntervalMs: 300, deleteGraceMs: 0, leaseMs: 2_000, retryDelayMs: 500, verify: { intervalMs: 0 }, ...archiver },
  });

  before(async () => {
    nearline = await startS3Tier('pacs-nearline');
    const storescpPort = await freePort();
    mirrorRoot = mkdtempSync(join(tmpdir(), 'pacs-mirror-tier-'));
    // Every process knows the tiers: the listener reads retrieved instances from any of them.
    system = await startArchiveSystem(
      { aeMap: [{ aeTitle: 'MODALITY' }, { aeTitle: 'VIEWER' }, { aeTitle: 'STORESCP', host: '127.0.0.1', port: storescpPort }] },
      (tiers = [
        { name: 'mirror', role: 'mirror', driver: 'filesystem', filesystem: { root: mirrorRoot } },
        { name: 'nearline', role: 'nearline', driver: 's3', s3: nearline.config },
      ]),
    );
    const file = system.configFile('services', {});
    await Promise.all([system.start('indexer', file), system.start('qr-service', file)]);
    listener = await system.start('scp-listener', file);
    storescp = await startStorescp('STORESCP', storescpPort, system.dir);
    primaryStore = system.s3Store(system.primary.port, system.primaryBucket);
    nearlineStore = system.s3Store(nearline.s3.port, nearline.bucket);
    mirrorStore = new FilesystemObjectStore({ root: mirrorRoot });
  });

  after(async () => {
    await storescp?.stop();
    await system?.stop();
    await nearline?.s3.stop();
    if (mirrorRoot) rmSync(mirrorRoot, { recursive: true, force: true });
  });

  test('every acknowledged object gets a verified copy on the mirror tier', async () => {
    archivers.push(await system.start('archiver', archiverConfig('mirror-only', {})));
    // Three studies, oldest first: one storescu run after the other.
    for (const name of ['study-a', 'study-b', 'study-c']) studies.push(await sendStudy(name));
    const all = studies.flat();
    const rows = await until('mirror copies of every object', async () => {
      const r = await locations();
      return all.every((i) => tiersOf(r, i.sopInstanceUid).join() === 'mirror:ok,primary:ok') ? r : undefined;
    });
    for (const row of rows.filter((r) => r.tier === 'mirror')) {
      const copy = await readAll(mirrorStore, row.key);
      assert.equal(sha256(copy), row.digest, `mirror copy of ${row.sop}`);
      assert.deepEqual(copy, await readAll(primaryStore, row.key), 'identical to the primary object');
    }
  });

  test('nightly move above a low threshold moves the oldest studies to nearline; C-MOVE retrieves them byte-identically', async () => {
    await archivers.pop()!.stop('SIGTERM');
    const [{ bytes }] = await system.db.query(`SELECT sum(size)::bigint::text AS bytes FROM object_location WHERE tier = 'primary'`);
    // Three equal studies: a threshold of one and a half studies moves the two oldest.
    const threshold = Math.floor((Number(bytes) / 3) * 1.5);
    archivers.push(await system.start('archiver', archiverConfig('move', { nightlyMove: { at: '00:00', thresholdBytes: threshold } })));
    const [oldest, middle, newest] = studies as [GeneratedInstance[], GeneratedInstance[], GeneratedInstance[]];
    const rows = await until('the two oldest studies moved', async () => {
      const r = await locations();
      return [...oldest, ...middle].every((i) => tiersOf(r, i.sopInstanceUid).join() === 'mirror:ok,nearline:ok') ? r : undefined;
    });
    for (const i of newest) assert.deepEqual(tiersOf(rows, i.sopInstanceUid), ['mirror:ok', 'primary:ok'], 'the newest study stays on primary');
    for (const row of rows.filter((r) => r.tier === 'nearline')) {
      assert.equal(sha256(await readAll(nearlineStore, row.key)), row.digest, 'nearline copy verified');
      assert.equal(await primaryStore.head(row.key), null, 'the primary object was deleted');
    }

    const port = system.dicomPort(listener);
    for (const study of [oldest, middle]) {
      const r = await runTool('movescu', ['-aet', 'VIEWER', '-aec', 'PACS', '-aem', 'STORESCP', '-S', '-k', 'QueryRetrieveLevel=STUDY', '-k', `StudyInstanceUID=${study[0]!.studyInstanceUid}`, '127.0.0.1', String(port)]);
      assert.equal(r.code, 0, r.output);
    }
    for (const instance of [...oldest, ...middle]) {
      const received = readFileSync(join(storescp.dir, `CT.${instance.sopInstanceUid}`));
      assert.deepEqual(dataSetOf(received), instance.dataSet, `${instance.sopInstanceUid} retrieved from nearline byte-identically`);
    }
  });

  test('an archiver killed -9 during a move is replaced; nothing is lost and no location is duplicated', async () => {
    await archivers.pop()!.stop('SIGTERM');
    const more = [await sendStudy('study-d'), await sendStudy('study-e')].flat();
    const moving = [...studies[2]!, ...more];
    // The nightly move ran today already; a new day for it, and a threshold of 0: everything moves.
    await system.db.query(`DELETE FROM system_setting WHERE key = 'archiver.nightlyMove.lastRunDay'`);
    const before = (await locations()).filter((r) => r.tier === 'nearline').length;
    const doomed = await system.start('archiver', archiverConfig('move-all', { nightlyMove: { at: '00:00', thresholdBytes: 0 }, concurrency: 1 }));
    const movedAtKill = await until('the move under way', async () => {
      const n = (await locations()).filter((r) => r.tier === 'nearline').length - before;
      return n > 0 ? n : undefined;
    }, 120_000, 10);
    doomed.child.kill('SIGKILL');
    await doomed.exited;
    assert.ok(movedAtKill < moving.length, `killed in the middle of the move (${movedAtKill} of ${moving.length} moved)`);

    // Right after the kill: every object still has a readable, intact copy.
    const stores: Record<string, ObjectStore> = { primary: primaryStore, nearline: nearlineStore, mirror: mirrorStore };
    const atKill = await locations();
    for (const instance of moving) {
      const offered = atKill.filter((r) => r.sop === instance.sopInstanceUid && r.status === 'ok' && r.tier !== 'mirror');
      assert.equal(offered.length, 1, `${instance.sopInstanceUid}: one offered non-mirror copy, got ${JSON.stringify(tiersOf(atKill, instance.sopInstanceUid))}`);
      assert.equal(sha256(await readAll(stores[offered[0]!.tier]!, offered[0]!.key)), offered[0]!.digest);
    }

    archivers.push(await system.start('archiver', archiverConfig('move-all', { nightlyMove: { at: '00:00', thresholdBytes: 0 } })));
    const rows = await until('the move completed by the new archiver', async () => {
      const r = await locations();
      return moving.every((i) => tiersOf(r, i.sopInstanceUid).join() === 'mirror:ok,nearline:ok') ? r : undefined;
    });
    const [dupes] = await system.db.query(`SELECT count(*)::int AS n FROM (SELECT instance_fk, tier FROM object_location GROUP BY 1, 2 HAVING count(*) > 1) d`);
    assert.equal(dupes.n, 0);
    for (const instance of moving) {
      const near = rows.find((r) => r.sop === instance.sopInstanceUid && r.tier === 'nearline')!;
      const bytes = await readAll(nearlineStore, near.key);
      assert.equal(sha256(bytes), near.digest);
      assert.deepEqual(dataSetOf(bytes), instance.dataSet, 'the nearline object is the object received');
      assert.equal(await primaryStore.head(near.key), null, 'no primary copy left behind');
    }
    const [jobs] = await system.db.query(`SELECT count(*) FILTER (WHERE state <> 'done')::int AS open FROM archive_job WHERE kind = 'move-study'`);
    assert.equal(jobs.open, 0, 'every move job completed');
  });

  test('threshold cleanup removes the least recently received studies from primary once another tier holds a verified copy', async () => {
    await archivers.pop()!.stop('SIGTERM');
    const study = await sendStudy('study-f');
    const withCleanup = system.configFile('cleanup', {
      storage: { tiers: [{ name: 'primary', role: 'primary', cleanupThresholdBytes: 0 }, ...tiers] },
      archiver: { pollIntervalMs: 100, schedulerIntervalMs: 300, cleanupIntervalMs: 1_000, deleteGraceMs: 0, retryDelayMs: 500, verify: { intervalMs: 0 } },
    });
    archivers.push(await system.start('archiver', withCleanup));
    const rows = await until('primary copies cleaned up, mirror copies kept', async () => {
      const r = await locations();
      return study.every((i) => tiersOf(r, i.sopInstanceUid).join() === 'mirror:ok') ? r : undefined;
    });
    for (const instance of study) {
      const mirror = rows.find((r) => r.sop === instance.sopInstanceUid && r.tier === 'mirror')!;
      assert.equal(await primaryStore.head(mirror.key), null, 'primary object deleted');
      assert.deepEqual(dataSetOf(await readAll(mirrorStore, mirror.key)), instance.dataSet, 'the mirror copy is intact');
    }
  });

  test('verify reports a damaged copy, stops offering it, and the mirror copy is made again', async () => {
    await archivers.pop()!.stop('SIGTERM');
    const victim = studies[0]![0]!;
    const before = (await locations()).find((r) => r.sop === victim.sopInstanceUid && r.tier === 'mirror')!;
    await mirrorStore.put(before.key, Readable.from([Buffer.from('not the object that was stored')]));
    // The last verify was two intervals ago (the schedule is kept in the database across restarts).
    await new TypeOrmSettingsRepository(system.db).set(VERIFY_LAST_RUN, new Date(Date.now() - 2 * 3_600_000).toISOString());
    archivers.push(await system.start('archiver', archiverConfig('verify', { verify: { intervalMs: 3_600_000, sample: 0 } })));
    const report = await until('a verify report', async () => {
      const [r] = await system.db.query(`SELECT checked, ok, mismatched, missing, problems FROM verify_report ORDER BY id DESC LIMIT 1`);
      return r;
    });
    assert.equal(report.mismatched, 1);
    assert.equal(report.missing, 0);
    assert.ok(report.checked > 1);
    assert.deepEqual(report.problems, [{ tier: 'mirror', key: before.key, problem: 'mismatched' }]);
    await until('the mirror copy made again', async () => {
      const row = (await locations()).find((r) => r.sop === victim.sopInstanceUid && r.tier === 'mirror');
      return row?.status === 'ok' && sha256(await readAll(mirrorStore, row.key)) === row.digest;
    });

    // Metrics of the archiver: bytes per tier, jobs by kind and state.
    const port = Number((await archivers[0]!.waitForLog((l) => l['msg'] === 'prometheus metrics endpoint listening', 'metrics port'))['port']);
    let metrics = '';
    const complete = (text: string) => /pacs_archiver_tier_bytes\w*\{tier="nearline"[^}]*\} [1-9]/.test(text) && /pacs_archiver_jobs_completed_total\{kind="verify"[^}]*\} 1/.test(text);
    await until('tier and job metrics', async () => complete((metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text())), 30_000, 500).catch(() => undefined);
    assert.match(metrics, /pacs_archiver_tier_bytes\w*\{tier="nearline"[^}]*\} [1-9]/);
    assert.match(metrics, /pacs_archiver_jobs_completed_total\{kind="verify"[^}]*\} 1/);
  });
});
