// The archive job table on PostgreSQL and PGlite (the same SQL): leases, expiry, retries, the
// "never again once done" rule, joining of series/study forward jobs, the outbox trigger that
// turns a committed object location into an event exactly once, cancelling and the job list.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ArchiveOutbox, openDatabase, TypeOrmJobQueue, type DataSource, type NewLocationEvent } from '@pacs/persistence';
import { tempPglite, tempPostgresSchema, type TempDatabase } from '@pacs/testing';

const SETUPS: { name: string; make: () => TempDatabase }[] = [
  { name: 'PostgreSQL', make: () => tempPostgresSchema(4) },
  { name: 'PGlite', make: () => tempPglite('pacs-archive-jobs-') },
];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

for (const setup of SETUPS) {
  describe(`archive jobs on ${setup.name}`, () => {
    let temp: TempDatabase;
    let db: DataSource;
    let queue: TypeOrmJobQueue;
    before(async () => {
      temp = setup.make();
      db = await openDatabase(temp.options);
      queue = new TypeOrmJobQueue(db);
    });
    after(async () => {
      await db.destroy();
      await temp.cleanup();
    });

    test('a claimed job is leased to one worker; a completed job is never claimed again', async () => {
      assert.equal(await queue.enqueue({ kind: 'k1', target: 'a', payload: {}, maxAttempts: 3, delayMs: 0 }), true);
      assert.equal(await queue.enqueue({ kind: 'k1', target: 'a', payload: {}, maxAttempts: 3, delayMs: 0 }), false, 'one pending job per target');
      const [job] = await queue.claim('w1', ['k1'], 10, 60_000);
      assert.ok(job);
      assert.deepEqual(await queue.claim('w2', ['k1'], 10, 60_000), [], 'leased: not claimable');
      assert.equal(await queue.complete(job.id, 'w2'), false, 'only the lease owner completes it');
      assert.equal(await queue.complete(job.id, 'w1'), true);
      assert.deepEqual(await queue.claim('w2', ['k1'], 10, 60_000), []);
      assert.deepEqual((await queue.list('k1')).map((j) => j.state), ['done']);
    });

    test('the job of a worker that stopped renewing is claimed by another once the lease ran out', async () => {
      await queue.enqueue({ kind: 'k2', target: 'b', payload: { n: 1 }, maxAttempts: 5, delayMs: 0 });
      const [job] = await queue.claim('dead', ['k2'], 1, 1_000);
      assert.ok(job);
      let taken: Awaited<ReturnType<TypeOrmJobQueue['claim']>> = [];
      for (let i = 0; i < 200 && taken.length === 0; i++) {
        await sleep(50);
        taken = await queue.claim('alive', ['k2'], 1, 60_000);
      }
      assert.equal(taken[0]?.id, job.id);
      assert.equal(taken[0]?.attempts, 2);
      assert.equal(await queue.complete(job.id, 'dead'), false, 'the old owner lost it');
      assert.equal(await queue.complete(job.id, 'alive'), true);
    });

    test('a failed attempt is queued again after its delay with what is left; out of attempts it is failed', async () => {
      await queue.enqueue({ kind: 'k3', target: 'c', payload: { instances: ['1', '2'] }, maxAttempts: 2, delayMs: 0 });
      const [first] = await queue.claim('w', ['k3'], 1, 60_000);
      assert.equal(await queue.retry(first!.id, 'w', 60_000, 'peer down', { instances: ['2'] }), 'queued');
      assert.deepEqual(await queue.claim('w', ['k3'], 1, 60_000), [], 'not before the retry delay');
      const [row] = await queue.list('k3');
      assert.equal(row?.lastError, 'peer down');
      assert.deepEqual(row?.payload, { instances: ['2'] });
      assert.ok((row?.nextRunAt.getTime() ?? 0) - (row?.lastAttemptAt?.getTime() ?? 0) >= 59_000, 'next run one retry delay after the attempt');
      await db.query(`UPDATE archive_job SET next_run_at = now() WHERE id = $1`, [first!.id]);
      const [second] = await queue.claim('w', ['k3'], 1, 60_000);
      assert.equal(await queue.retry(second!.id, 'w', 0, 'still down'), 'failed');
      assert.deepEqual(await queue.claim('w', ['k3'], 1, 60_000), []);
    });

    test('series/study jobs: later instances join the queued job and push its start (stable study)', async () => {
      const job = (uid: string) => ({ kind: 'k4', target: 'rule|DEST|study|1.2', payload: { instances: [uid] }, maxAttempts: 3, delayMs: 0, join: { stableMs: 60_000 } });
      await queue.enqueue(job('1.2.1'));
      await queue.enqueue(job('1.2.2'));
      const rows = await queue.list('k4');
      assert.equal(rows.length, 1);
      assert.deepEqual(rows[0]?.payload, { instances: ['1.2.1', '1.2.2'] });
      assert.deepEqual(await queue.claim('w', ['k4'], 1, 60_000), [], 'start pushed by the second instance');
    });

    test('a deferred job keeps its attempt count; a twin queued meanwhile absorbs it', async () => {
      await queue.enqueue({ kind: 'k5', target: 'd', payload: { instances: ['x'] }, maxAttempts: 1, delayMs: 0 });
      const [job] = await queue.claim('w', ['k5'], 1, 60_000);
      await queue.enqueue({ kind: 'k5', target: 'd', payload: { instances: ['y'] }, maxAttempts: 1, delayMs: 0 });
      assert.equal(await queue.defer(job!.id, 'w', 0, { instances: ['x'] }), true);
      const rows = await queue.list('k5');
      assert.deepEqual(rows.map((r) => r.state).sort(), ['done', 'queued']);
      const queued = rows.find((r) => r.state === 'queued');
      assert.deepEqual((queued?.payload['instances'] as string[]).sort(), ['x', 'y']);
    });

    test('an object location added by the indexer becomes one outbox event, taken exactly once', async () => {
      const [patient] = await db.query(`INSERT INTO patient (patient_id, attributes, attributes_received_at) VALUES ('P', '{}', now()) RETURNING id`);
      const [study] = await db.query(`INSERT INTO study (patient_fk, study_instance_uid, attributes, attributes_received_at) VALUES ($1, '1.9', '{}', now()) RETURNING id`, [patient.id]);
      const [series] = await db.query(`INSERT INTO series (study_fk, series_instance_uid, modality, attributes, attributes_received_at) VALUES ($1, '1.9.1', 'CT', '{}', now()) RETURNING id`, [study.id]);
      const [instance] = await db.query(
        `INSERT INTO instance (series_fk, sop_instance_uid, sop_class_uid, transfer_syntax_uid, size, digest, received_at, attributes) VALUES ($1, '1.9.1.1', '1.2.840.10008.5.1.4.1.1.2', '1.2.840.10008.1.2.1', 10, 'd', now(), '{}') RETURNING id`,
        [series.id],
      );
      await db.query(`INSERT INTO object_location (instance_fk, tier, storage_key, digest, size) VALUES ($1, 'primary', 'k', 'd', 10)`, [instance.id]);
      await db.query(`INSERT INTO object_location (instance_fk, tier, storage_key, digest, size, status) VALUES ($1, 'mirror', 'k', 'd', 10, 'copying')`, [instance.id]);
      const outbox = new ArchiveOutbox(db);
      assert.equal(await outbox.backlog(), 1, 'only locations inserted ok are events');
      const seen: string[] = [];
      const [a, b] = await Promise.all([
        outbox.drain(10, (events) => (seen.push(...events.map((e) => `${e.sopInstanceUid}@${e.tier}:${e.modality}`)), [{ kind: 'k6', target: e0(events), payload: {}, maxAttempts: 1, delayMs: 0 }])),
        outbox.drain(10, (events) => (seen.push(...events.map((e) => `${e.sopInstanceUid}@${e.tier}`)), [])),
      ]);
      assert.equal((a ?? 0) + (b ?? 0), 1);
      assert.deepEqual(seen.length, 1);
      assert.equal(await outbox.backlog(), 0);
    });

    test('a drain reads only what its plan needs: nothing (events removed), locations, or attributes too', async () => {
      const [patient] = await db.query(`INSERT INTO patient (patient_id, attributes, attributes_received_at) VALUES ('P2', '{"00100020":{"vr":"LO","Value":["P2"]}}', now()) RETURNING id`);
      const [study] = await db.query(`INSERT INTO study (patient_fk, study_instance_uid, attributes, attributes_received_at) VALUES ($1, '1.8', '{}', now()) RETURNING id`, [patient.id]);
      const [series] = await db.query(`INSERT INTO series (study_fk, series_instance_uid, modality, attributes, attributes_received_at) VALUES ($1, '1.8.1', 'MR', '{}', now()) RETURNING id`, [study.id]);
      const addLocation = async (uid: string): Promise<void> => {
        const [instance] = await db.query(
          `INSERT INTO instance (series_fk, sop_instance_uid, sop_class_uid, transfer_syntax_uid, size, digest, received_at, attributes) VALUES ($1, $2, '1.2.840.10008.5.1.4.1.1.4', '1.2.840.10008.1.2.1', 10, 'd', now(), '{}') RETURNING id`,
          [series.id, uid],
        );
        await db.query(`INSERT INTO object_location (instance_fk, tier, storage_key, digest, size) VALUES ($1, 'primary', $2, 'd', 10)`, [instance.id, `k${uid}`]);
      };
      const outbox = new ArchiveOutbox(db);
      await addLocation('1.8.1.1');
      await addLocation('1.8.1.2');
      let planned = 0;
      assert.equal(await outbox.drain(10, () => (planned++, []), 'nothing'), 2);
      assert.equal(planned, 0, 'no plan asked when it needs nothing');
      assert.equal(await outbox.backlog(), 0);

      const seen: NewLocationEvent[] = [];
      await addLocation('1.8.1.3');
      assert.equal(await outbox.drain(10, (events) => (seen.push(...events), []), 'locations'), 1);
      await addLocation('1.8.1.4');
      assert.equal(await outbox.drain(10, (events) => (seen.push(...events), [])), 1);
      assert.deepEqual(seen.map((e) => [e.sopInstanceUid, e.studyInstanceUid, e.modality, e.storageKey]), [['1.8.1.3', '1.8', 'MR', 'k1.8.1.3'], ['1.8.1.4', '1.8', 'MR', 'k1.8.1.4']]);
      assert.deepEqual(seen[0]?.attributes, {}, 'locations only: no attributes merged');
      assert.deepEqual(seen[1]?.attributes, { '00100020': { vr: 'LO', Value: ['P2'] } }, 'by default the four levels merged');
    });

    test('finished jobs older than the retention are removed, in batches; the counts show queued, running and failed ones', async () => {
      const finish = async (kind: string, target: string, end: 'done' | 'failed'): Promise<string> => {
        await queue.enqueue({ kind, target, payload: {}, maxAttempts: 3, delayMs: 0 });
        const [job] = await queue.claim('w', [kind], 1, 60_000);
        assert.ok(job);
        assert.equal(end === 'done' ? await queue.complete(job.id, 'w') : await queue.fail(job.id, 'w', 'broken'), true);
        return job.id;
      };
      const oldDone = [await finish('r1', 'a', 'done'), await finish('r1', 'b', 'done'), await finish('r1', 'c', 'done')];
      const oldFailed = await finish('r1', 'd', 'failed');
      const recentDone = await finish('r1', 'e', 'done');
      await queue.enqueue({ kind: 'r1', target: 'f', payload: {}, maxAttempts: 3, delayMs: 0 });
      await db.query(`UPDATE archive_job SET finished_at = now() - interval '40 days' WHERE id = ANY($1::bigint[])`, [[...oldDone, oldFailed]]);
      // Even a queued job with an old finished_at (it never has one) must stay: only final states go.
      await db.query(`UPDATE archive_job SET finished_at = now() - interval '40 days' WHERE kind = 'r1' AND target = 'f'`);

      assert.deepEqual((await queue.counts()).filter((c) => c.kind === 'r1'), [{ kind: 'r1', state: 'failed', count: 1 }, { kind: 'r1', state: 'queued', count: 1 }]);
      const retention = 30 * 24 * 3_600_000;
      assert.equal(await queue.removeFinished(retention, 3), 3, 'at most the limit per call');
      assert.equal(await queue.removeFinished(retention, 3), 1);
      assert.equal(await queue.removeFinished(retention, 3), 0);
      const left = await queue.list('r1');
      assert.deepEqual(left.map((j) => `${j.target}:${j.state}`).sort(), ['e:done', 'f:queued']);
      assert.ok(left.some((j) => j.id === recentDone));
    });

    // Cancelling (issue 7, POST /api/jobs/:id/cancel): a queued or running job ends cancelled and is
    // never claimed again; the worker still running it records nothing; a done job stays done.
    describe('cancel and the job list', () => {
      const add = async (kind: string, target: string): Promise<string> => {
        assert.equal(await queue.enqueue({ kind, target, payload: { instances: ['1.2.3'] }, maxAttempts: 3, delayMs: 0 }), true);
        const [row] = await queue.list(kind, target, 1);
        assert.ok(row);
        return row.id;
      };

      test('a queued job → cancelled, never claimed', async () => {
        const id = await add('c1', 'a');
        const result = await queue.cancel(id);
        assert.equal(result.outcome, 'cancelled');
        assert.equal(result.outcome === 'cancelled' && result.job.state, 'cancelled');
        assert.ok(result.outcome === 'cancelled' && result.job.finishedAt);
        assert.deepEqual(await queue.claim('w1', ['c1'], 10, 60_000), []);
        assert.equal((await queue.get(id))?.state, 'cancelled');
        assert.equal(await queue.enqueue({ kind: 'c1', target: 'a', payload: {}, maxAttempts: 1, delayMs: 0 }), true, 'a cancelled job does not block a new one for its target');
      });

      test('a running job → cancelled; its worker can no longer renew, complete, retry, defer or fail it', async () => {
        const id = await add('c2', 'b');
        const [job] = await queue.claim('w1', ['c2'], 10, 60_000);
        assert.equal(job?.id, id);
        assert.equal((await queue.cancel(id)).outcome, 'cancelled');
        assert.equal(await queue.renew(id, 'w1', 60_000), false);
        assert.equal(await queue.complete(id, 'w1'), false);
        assert.equal(await queue.retry(id, 'w1', 0, 'boom'), 'lost');
        assert.equal(await queue.defer(id, 'w1', 0, {}), false);
        assert.equal(await queue.fail(id, 'w1', 'boom'), false);
        assert.equal((await queue.get(id))?.state, 'cancelled');
      });

      test('a done job stays done (finished); an unknown id is unknown', async () => {
        const id = await add('c3', 'c');
        const [job] = await queue.claim('w1', ['c3'], 10, 60_000);
        assert.ok(job && (await queue.complete(job.id, 'w1')));
        const result = await queue.cancel(id);
        assert.equal(result.outcome, 'finished');
        assert.equal(result.outcome === 'finished' && result.job.state, 'done');
        assert.equal((await queue.cancel('999999')).outcome, 'unknown');
      });

      test('find: newest first, filtered by state and kind, with the total', async () => {
        const a = await add('c4', 'x1');
        const b = await add('c4', 'x2');
        await queue.cancel(a);
        const all = await queue.find({ kind: 'c4' }, 10, 0);
        assert.equal(all.total, 2);
        assert.deepEqual(all.items.map((j) => j.id), [b, a]);
        const cancelled = await queue.find({ kind: 'c4', state: 'cancelled' }, 10, 0);
        assert.deepEqual(cancelled.items.map((j) => j.id), [a]);
        const paged = await queue.find({ kind: 'c4' }, 1, 1);
        assert.equal(paged.total, 2);
        assert.deepEqual(paged.items.map((j) => j.id), [a]);
        assert.ok(all.items[0]!.createdAt instanceof Date && all.items[0]!.updatedAt instanceof Date);
      });
    });
  });
}

function e0(events: { sopInstanceUid: string }[]): string {
  return events[0]?.sopInstanceUid ?? '';
}
