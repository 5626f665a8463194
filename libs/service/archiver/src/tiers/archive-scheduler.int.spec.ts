// The archive scheduler on a real database (PGlite): the verify schedule, counted across
// restarts and leader changes so a rolling update does not read the verify sample again, and
// the removal of finished jobs after the retention.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { planTiers } from '@pacs/domain';
import { AdvisoryLeaderLock, TierLocationRepository, TypeOrmJobQueue, TypeOrmSettingsRepository, openDatabase, type DataSource } from '@pacs/persistence';
import { createLogger } from '@pacs/platform';
import { tempPglite, type TempDatabase } from '@pacs/testing';
import { ARCHIVE_SCHEDULER_LOCK_KEY, ArchiveScheduler, VERIFY_LAST_RUN } from './archive-scheduler';

const HOUR = 3_600_000;
const T0 = Date.parse('2026-03-02T10:00:00.000Z');

describe('archive scheduler: the verify schedule and job retention', () => {
  let temp: TempDatabase;
  let db: DataSource;
  before(async () => {
    temp = tempPglite('pacs-archive-scheduler-');
    db = await openDatabase(temp.options);
  });
  after(async () => {
    await db.destroy();
    await temp.cleanup();
  });

  /** A scheduler as a (re)started archiver makes it, with its clock at `at`. */
  const schedulerAt = (at: number): ArchiveScheduler => new ArchiveScheduler(
    planTiers({ ingestTier: 'primary', tiers: [], nightlyMove: {} }),
    { queue: new TypeOrmJobQueue(db), locations: new TierLocationRepository(db), settings: new TypeOrmSettingsRepository(db), lock: new AdvisoryLeaderLock(db, ARCHIVE_SCHEDULER_LOCK_KEY) },
    { intervalMs: 60_000, nightlyMoveAt: '02:00', cleanupIntervalMs: HOUR, jobRetentionMs: 30 * 24 * HOUR, verifyIntervalMs: 24 * HOUR, maxAttempts: 3 },
    createLogger({ level: 'silent' }, 'scheduler-test'),
    () => new Date(at),
  );
  const verifyJobs = async (): Promise<string[]> => (await new TypeOrmJobQueue(db).list('verify')).map((j) => j.state);
  const tickAt = async (at: number): Promise<void> => {
    const scheduler = schedulerAt(at);
    await scheduler.tick();
    await scheduler.stop();
  };

  test('a new archive starts counting at its first start; restarts within the interval verify nothing', async () => {
    await tickAt(T0);
    assert.deepEqual(await verifyJobs(), [], 'nothing old to check yet');
    assert.equal(await new TypeOrmSettingsRepository(db).get(VERIFY_LAST_RUN), new Date(T0).toISOString());
    await tickAt(T0 + HOUR);
    await tickAt(T0 + 23 * HOUR);
    assert.deepEqual(await verifyJobs(), []);
  });

  test('one interval after the last run, the leader of the moment enqueues one verify, and the next count starts then', async () => {
    await tickAt(T0 + 24 * HOUR);
    assert.deepEqual(await verifyJobs(), ['queued']);
    assert.equal(await new TypeOrmSettingsRepository(db).get(VERIFY_LAST_RUN), new Date(T0 + 24 * HOUR).toISOString());
    const queue = new TypeOrmJobQueue(db);
    const [job] = await queue.claim('w', ['verify'], 1, 60_000);
    assert.ok(job);
    await queue.complete(job.id, 'w');
    await tickAt(T0 + 25 * HOUR);
    assert.deepEqual(await verifyJobs(), ['done'], 'a restart an hour later does not verify again');
    await tickAt(T0 + 48 * HOUR);
    assert.deepEqual((await verifyJobs()).sort(), ['done', 'queued']);
  });

  test('a round removes jobs finished longer ago than the retention', async () => {
    const queue = new TypeOrmJobQueue(db);
    await queue.enqueue({ kind: 'forward', target: 'old', payload: {}, maxAttempts: 1, delayMs: 0 });
    const [job] = await queue.claim('w', ['forward'], 1, 60_000);
    assert.ok(job);
    await queue.complete(job.id, 'w');
    await tickAt(T0 + 49 * HOUR);
    assert.equal((await queue.list('forward')).length, 1, 'finished a moment ago: kept');
    await db.query(`UPDATE archive_job SET finished_at = now() - interval '31 days' WHERE id = $1`, [job.id]);
    await tickAt(T0 + 50 * HOUR);
    assert.deepEqual(await queue.list('forward'), []);
  });
});
