import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { AdvisoryLeaderLock, openDatabase, type DataSource, type DatabaseOptions } from './index';

const PG_URL = process.env['PACS_TEST_PG_URL'] ?? 'postgres://root@127.0.0.1:5432/test';

// The reconciler's leader rule on the real PostgreSQL server: one holder of the session-level
// advisory lock at a time, handed over when the holder releases it or its connection ends.
describe('advisory leader lock on PostgreSQL', () => {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const options: DatabaseOptions = { driver: 'postgres', url: PG_URL, schema, poolSize: 2, statementTimeoutMs: 10_000 };
  // A key of this test run only, so parallel runs never contend.
  const key = BigInt(`0x${randomBytes(7).toString('hex')}`);
  let a: DataSource;
  let b: DataSource;

  before(async () => {
    a = await openDatabase(options);
    b = await openDatabase(options, { migrate: false });
  });
  after(async () => {
    await a.query(`DROP SCHEMA "${schema}" CASCADE`).catch(() => undefined);
    await Promise.all([a.destroy(), b.destroy()].map((p) => p.catch(() => undefined)));
  });

  test('one leader at a time; release hands over; the leader stays leader on later checks', async () => {
    const first = new AdvisoryLeaderLock(a, key);
    const second = new AdvisoryLeaderLock(b, key);
    assert.equal(await first.acquire(), true);
    assert.equal(await second.acquire(), false);
    assert.equal(await first.acquire(), true, 'still held');
    assert.equal(await second.acquire(), false);
    await first.release();
    assert.equal(await second.acquire(), true);
    assert.equal(await first.acquire(), false);
    await second.release();
  });

  test('a leader whose connection ends loses the lock to the next one', async () => {
    const c = await openDatabase(options, { migrate: false });
    const leader = new AdvisoryLeaderLock(c, key);
    const next = new AdvisoryLeaderLock(b, key);
    assert.equal(await leader.acquire(), true);
    assert.equal(await next.acquire(), false);
    // PostgreSQL shows a bigint advisory key as classid (high half), objid (low half), objsubid 1.
    const [held] = (await c.query(
      `SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND objsubid = 1 AND granted AND classid::bigint = $1::bigint >> 32 AND objid::bigint = $1::bigint & 4294967295`,
      [key.toString()],
    )) as { pid: number }[];
    // With a timeout, pg_terminate_backend waits until the backend is gone (and its locks with it).
    assert.ok(held, 'the lock shows in pg_locks');
    await b.query('SELECT pg_terminate_backend($1, 10000)', [held.pid]);
    assert.equal(await next.acquire(), true);
    assert.equal(await leader.acquire(), false, 'the old leader notices and does not get it back');
    await next.release();
    await c.destroy();
  });
});

describe('advisory leader lock on PGlite', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pacs-pglite-lock-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('one process owns the database: it always leads', async () => {
    const db = await openDatabase({ driver: 'pglite', dataDir: dir, schema: 'public' });
    try {
      const lock = new AdvisoryLeaderLock(db, 42n);
      assert.equal(await lock.acquire(), true);
      assert.equal(await lock.acquire(), true);
      await lock.release();
    } finally {
      await db.destroy();
    }
  });
});
