// PGlite on its worker thread: one session, transactions that hold other statements back,
// PostgreSQL's error fields across the thread boundary, and a thread that dies fails its callers.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ensurePgliteCluster } from './pglite-cluster';
import { PgliteThread, typeOrmDriverFor, type PgliteResult } from './pglite-thread';
import { sqlState } from './sql-transaction';

describe('PgliteThread', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pacs-pglite-thread-'));
  let db: PgliteThread;

  before(async () => {
    await ensurePgliteCluster(dir);
    db = await PgliteThread.start(dir);
    await db.exec('CREATE TABLE t (id int PRIMARY KEY, v text); CREATE TABLE u (at timestamptz, doc jsonb, n bigint)');
  });
  after(async () => {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('parameters and rows cross the thread with their types', async () => {
    const at = new Date('2026-01-02T03:04:05.678Z');
    await db.query('INSERT INTO u VALUES ($1, $2, $3)', [at, JSON.stringify({ a: [1, 'x'] }), '9007199254740993']);
    const { rows } = await db.query<{ at: Date; doc: unknown; n: unknown }>('SELECT at, doc, n::text AS n FROM u');
    assert.deepEqual(rows, [{ at, doc: { a: [1, 'x'] }, n: '9007199254740993' }]);
    const results = await db.exec('SELECT 1 AS a; SELECT 2 AS b');
    assert.deepEqual(results.map((r) => r.rows), [[{ a: 1 }], [{ b: 2 }]]);
  });

  test('queries(): statements with parameters, one after the other, in one message; the first failure rejects', async () => {
    const results = await db.queries([
      { sql: 'DECLARE q NO SCROLL CURSOR WITH HOLD FOR SELECT g AS n FROM generate_series(1, $1::int) g', params: [5] },
      { sql: 'FETCH FORWARD 3 FROM q' },
      { sql: 'FETCH FORWARD 3 FROM q' },
      { sql: 'CLOSE q' },
    ]);
    assert.deepEqual(results.map((r) => r.rows.map((row) => (row as { n: number }).n)), [[], [1, 2, 3], [4, 5], []]);
    await assert.rejects(db.queries([{ sql: 'SELECT 1' }, { sql: 'FETCH 1 FROM no_such_cursor' }, { sql: 'INSERT INTO t VALUES (99, $1)', params: ['never'] }]), (e) => sqlState(e) === '34000');
    assert.equal((await db.query<{ n: number }>('SELECT count(*)::int AS n FROM t WHERE id = 99')).rows[0]?.n, 0, 'nothing after the failure ran');
  });

  test('a transaction holds other statements back until it commits', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const order: string[] = [];
    const tx = db.transaction(async (t) => {
      await t.query('INSERT INTO t VALUES (1, $1)', ['in tx']);
      await held;
      order.push('commit');
    });
    // Started while the transaction is open: it must see the committed row, not run inside it.
    await new Promise((resolve) => setTimeout(resolve, 20));
    const outside = db.query<{ n: number }>('SELECT count(*)::int AS n FROM t').then((r) => {
      order.push('outside');
      return r.rows[0]?.n;
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    release();
    await tx;
    assert.equal(await outside, 1);
    assert.deepEqual(order, ['commit', 'outside']);
  });

  test('a transaction whose function throws is rolled back and the error is the function\'s', async () => {
    const failure = new Error('changed my mind');
    await assert.rejects(
      db.transaction(async (t) => {
        await t.query('INSERT INTO t VALUES (2, $1)', ['rolled back']);
        throw failure;
      }),
      (err) => err === failure,
    );
    const { rows } = await db.query('SELECT * FROM t WHERE id = 2');
    assert.deepEqual(rows, []);
  });

  test('PostgreSQL errors keep their SQLSTATE and fields; the session stays usable', async () => {
    const err = await db.query('INSERT INTO t VALUES (1, $1)', ['duplicate']).then(
      () => assert.fail('a duplicate key must fail'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof Error);
    assert.equal(sqlState(err), '23505');
    assert.equal((err as Error & { constraint?: string }).constraint, 't_pkey');
    await assert.rejects(
      db.transaction(async (t) => {
        await t.query('INSERT INTO t VALUES (1, $1)', ['duplicate in tx']);
      }),
      (e) => sqlState(e) === '23505',
    );
    assert.deepEqual((await db.query('SELECT v FROM t ORDER BY id')).rows, [{ v: 'in tx' }]);
  });

  test('TypeORM\'s pool: a failing statement with a callback reaches the callback only (no unhandled rejection)', async () => {
    const { Pool } = typeOrmDriverFor(db) as { Pool: new () => { query(sql: string, cb: (err: Error | null, r: PgliteResult | null) => void): unknown } };
    const pool = new Pool();
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const err = await new Promise<Error | null>((resolve) => pool.query('SELECT * FROM no_such_table', (e) => resolve(e)));
      assert.equal(sqlState(err), '42P01');
      await new Promise((resolve) => setTimeout(resolve, 20));
      assert.deepEqual(unhandled, []);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  test('nice lowers the priority of the PGlite thread alone (Linux: a per-thread value)', { skip: !existsSync('/proc/self/task') }, async (t) => {
    // Field 19 of /proc/<pid>/task/<tid>/stat, counted after the command name in parentheses
    // (up to its last parenthesis: a thread's name may hold one).
    const niceOf = (tid: string): number => Number(readFileSync(`/proc/self/task/${tid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ')[16]);
    const tasksAt = (nice: number): string[] => readdirSync('/proc/self/task').filter((tid) => niceOf(tid) === nice);
    const mainNice = niceOf(String(process.pid));
    if (mainNice + 7 > 19) return t.skip(`the test process already runs at niceness ${mainNice}`);
    const other = mkdtempSync(join(tmpdir(), 'pacs-pglite-thread-'));
    try {
      await ensurePgliteCluster(other);
      assert.deepEqual(tasksAt(mainNice + 7), []);
      const lowered = await PgliteThread.start(other, { nice: mainNice + 7 });
      try {
        assert.equal(lowered.niceError, undefined);
        assert.equal(tasksAt(mainNice + 7).length, 1, 'exactly one thread runs at the lowered priority');
        assert.equal(niceOf(String(process.pid)), mainNice, 'the main thread keeps its priority');
        assert.deepEqual((await lowered.query('SELECT 1 AS one')).rows, [{ one: 1 }]);
      } finally {
        await lowered.close();
      }
      assert.deepEqual(tasksAt(mainNice + 7), [], 'the thread is gone with its PGlite');
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  test('a thread that is gone fails its callers instead of leaving them waiting', async () => {
    const other = mkdtempSync(join(tmpdir(), 'pacs-pglite-thread-'));
    try {
      await ensurePgliteCluster(other);
      const gone = await PgliteThread.start(other);
      await gone.close();
      await assert.rejects(gone.query('SELECT 1'), /PGlite thread exited/);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });
});
