// Cancelling archive jobs (issue 7, POST /api/jobs/:id/cancel) on PostgreSQL and PGlite: a
// queued or running job ends cancelled and is never claimed again; the worker still running a
// cancelled job records nothing (complete, retry, defer, fail and renew all refuse); a job
// already done stays done.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { openDatabase, TypeOrmJobQueue, type DataSource } from '@pacs/persistence';
import { tempPglite, tempPostgresSchema, type TempDatabase } from '@pacs/testing';

const SETUPS: { name: string; make: () => TempDatabase }[] = [
  { name: 'PostgreSQL', make: () => tempPostgresSchema(4) },
  { name: 'PGlite', make: () => tempPglite('pacs-job-cancel-') },
];

for (const setup of SETUPS) {
  describe(`cancelling archive jobs on ${setup.name}`, () => {
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
}
