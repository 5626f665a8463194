// Embedded mode's PostgreSQL (PGlite, WebAssembly) on a worker thread of its own. Run on the main
// thread, its query execution took about a quarter of the main thread's CPU while storing
// (bench/profile.sh, medium dataset): time the DICOM front door then waited for. On its own
// thread it runs on the second core, and the main thread only sends statements and receives rows.
//
// The thread holds one PGlite (one session), as before: statements run one at a time in the
// order they arrive, and a transaction holds every other statement back until it ends (PGlite's
// transaction() does that inside the thread).
import { EventEmitter, once } from 'node:events';
import { Worker } from 'node:worker_threads';

/** One statement's result, as PGlite gives it. */
export interface PgliteResult<R = Record<string, unknown>> {
  rows: R[];
  affectedRows?: number;
  fields: { name: string; dataTypeID: number }[];
}

/** The statements of one transaction. */
export interface PgliteTransaction {
  query<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<PgliteResult<R>>;
}

type Request =
  | { op: 'query'; sql: string; params?: unknown[]; tx?: number }
  | { op: 'queries'; statements: PgliteStatement[] }
  | { op: 'exec'; sql: string }
  | { op: 'begin' }
  | { op: 'end'; tx: number; commit: boolean }
  | { op: 'close' };

/** One statement with its parameters, as the thread takes it. */
export interface PgliteStatement {
  sql: string;
  params?: unknown[];
}

type Reply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: Record<string, unknown> };

/**
 * The worker: one PGlite, one message per statement. Plain JavaScript in a string (as
 * pglite-cluster.ts does) so that the bundled apps need no separate worker file. A transaction
 * ('begin' … 'end') runs inside PGlite's transaction(), whose callback waits for 'end'; a
 * rollback throws a marker out of it. Errors go back as plain objects with PostgreSQL's fields
 * (code, detail, constraint, …), which callers read (sqlState, TypeORM's QueryFailedError).
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
(async () => {
  // os.setPriority(0, n) sets the niceness of the calling thread only (Linux: a per-thread value).
  let niceError;
  if (workerData.nice) {
    try { require('node:os').setPriority(0, workerData.nice); } catch (e) { niceError = String(e && e.message || e); }
  }
  const { PGlite, types } = await import(workerData.pglite);
  // TypeORM may bind a boolean as 1/0 or 'true'/'false': PGlite's own bool serializer expects true/false.
  const bool = (v) => (v === true || v === 'true' || v === 1 ? 'TRUE' : v === false || v === 'false' || v === 0 ? 'FALSE' : v);
  const db = await PGlite.create({ dataDir: workerData.dataDir, serializers: { [types.BOOL]: bool } });
  const open = new Map();
  const ROLLBACK = Symbol('rollback');
  const plain = (r) => ({ rows: r.rows, affectedRows: r.affectedRows, fields: r.fields });
  const target = (m) => (m.tx === undefined ? db : open.get(m.tx).tx);
  const errorFields = (e) => {
    const out = { message: String(e && e.message || e) };
    for (const k of ['name', 'code', 'detail', 'hint', 'position', 'where', 'schema', 'table', 'column', 'dataType', 'constraint', 'severity', 'routine']) {
      if (e && e[k] !== undefined) out[k] = e[k];
    }
    return out;
  };
  const handle = async (m) => {
    switch (m.op) {
      case 'query': return plain(await target(m).query(m.sql, m.params));
      case 'queries': {
        const out = [];
        for (const s of m.statements) out.push(plain(await db.query(s.sql, s.params)));
        return out;
      }
      case 'exec': return (await target(m).exec(m.sql)).map(plain);
      case 'begin':
        return new Promise((started, failed) => {
          const entry = { tx: undefined, end: undefined, done: undefined };
          const ended = new Promise((resolve) => (entry.end = resolve));
          open.set(m.id, entry);
          entry.done = db
            .transaction(async (tx) => {
              entry.tx = tx;
              started(m.id);
              if (!(await ended)) throw ROLLBACK;
            })
            .catch((e) => { if (e !== ROLLBACK) throw e; });
          // Before it started (it then never will): 'begin' fails. After: 'end' reports it.
          entry.done.catch((e) => { open.delete(m.id); failed(e); });
        });
      case 'end': {
        const entry = open.get(m.tx);
        open.delete(m.tx);
        entry.end(m.commit);
        await entry.done;
        return undefined;
      }
      case 'close': await db.close(); return undefined;
    }
  };
  parentPort.on('message', (m) => {
    handle(m).then(
      (value) => parentPort.postMessage({ id: m.id, ok: true, value }),
      (e) => parentPort.postMessage({ id: m.id, ok: false, error: errorFields(e) }),
    );
  });
  parentPort.postMessage({ id: 0, ok: true, value: { niceError } });
})();
`;

export interface PgliteThreadOptions {
  /**
   * Niceness of the thread (0-19; 0 leaves it as the process). Under CPU contention the other
   * threads of the process (the DICOM front door, the commit threads) then go first, and the
   * statements run when they wait. Lowering priority needs no privilege; raising it back would.
   */
  nice?: number;
}

/**
 * A PGlite database served by a worker thread. The thread keeps the process alive only while a
 * statement is outstanding (as PGlite on the main thread did): an idle database never holds up
 * the exit of a process that is done.
 */
export class PgliteThread {
  /** Why the thread could not lower its priority as asked (it then runs at the process's). */
  niceError: string | undefined;
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  private exited: Error | undefined;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (reply: Reply) => this.settle(reply));
    worker.on('error', (err) => this.fail(err));
    worker.on('exit', (code) => this.fail(new Error(`the PGlite thread exited (code ${code})`)));
  }

  /** Opens the cluster in dataDir (which must exist, see ensurePgliteCluster) on a new thread. */
  static async start(dataDir: string, options: PgliteThreadOptions = {}): Promise<PgliteThread> {
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { dataDir, pglite: import.meta.resolve('@electric-sql/pglite'), nice: options.nice ?? 0 } });
    const thread = new PgliteThread(worker);
    const ready = await new Promise<{ niceError?: string }>((resolve, reject) => {
      thread.waiting.set(0, { resolve: (value) => resolve(value as { niceError?: string }), reject });
    });
    thread.niceError = ready.niceError;
    worker.unref();
    return thread;
  }

  query<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<PgliteResult<R>> {
    return this.statement<R>(sql, params);
  }

  /**
   * Statements run one after the other (not as one transaction), sent in one message: a cursor's
   * DECLARE and its first FETCH cost one round trip to the thread instead of two. The first
   * failure ends the sequence and rejects.
   */
  queries(statements: PgliteStatement[]): Promise<PgliteResult[]> {
    return this.call({ op: 'queries', statements }) as Promise<PgliteResult[]>;
  }

  /** Statements without parameters, possibly several: one result each. */
  exec(sql: string): Promise<PgliteResult[]> {
    return this.call({ op: 'exec', sql }) as Promise<PgliteResult[]>;
  }

  /** Runs fn in one transaction: committed when it returns, rolled back when it throws. */
  async transaction<T>(fn: (tx: PgliteTransaction) => Promise<T>): Promise<T> {
    const tx = (await this.call({ op: 'begin' })) as number;
    let result: T;
    try {
      result = await fn({ query: <R>(sql: string, params?: unknown[]) => this.statement<R>(sql, params, tx) });
    } catch (err) {
      await this.call({ op: 'end', tx, commit: false }).catch(() => undefined);
      throw err;
    }
    await this.call({ op: 'end', tx, commit: true });
    return result;
  }

  async close(): Promise<void> {
    if (this.exited) return;
    const exit = once(this.worker, 'exit');
    await this.call({ op: 'close' }).catch(() => undefined);
    await this.worker.terminate();
    await exit;
  }

  private statement<R>(sql: string, params: unknown[] | undefined, tx?: number): Promise<PgliteResult<R>> {
    return this.call({ op: 'query', sql, ...(params && params.length > 0 ? { params } : {}), ...(tx === undefined ? {} : { tx }) }) as Promise<PgliteResult<R>>;
  }

  private call(request: Request): Promise<unknown> {
    if (this.exited) return Promise.reject(this.exited);
    const id = this.nextId++;
    if (this.waiting.size === 0) this.worker.ref();
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ id, ...request });
    });
  }

  private settle(reply: Reply): void {
    const waiter = this.waiting.get(reply.id);
    if (!waiter) return;
    this.waiting.delete(reply.id);
    if (this.waiting.size === 0) this.worker.unref();
    if (reply.ok) waiter.resolve(reply.value);
    else waiter.reject(Object.assign(new Error(String(reply.error['message'])), reply.error));
  }

  private fail(error: Error): void {
    this.exited ??= error;
    for (const waiter of this.waiting.values()) waiter.reject(error);
    this.waiting.clear();
  }
}

/**
 * The `driver` TypeORM's PostgreSQL driver is given instead of `pg`: a Pool whose one
 * connection is the thread. A statement with parameters is a query; one without may hold
 * several statements (TypeORM's migrations) and answers with the last one's result.
 */
type Callback = (err: Error | null, result: PgliteResult | null) => void;

export function typeOrmDriverFor(thread: PgliteThread): unknown {
  class ThreadPool extends EventEmitter {
    connect(callback: (err: Error | null, connection: ThreadPool | null, release: () => void) => void): void {
      callback(null, this, () => undefined);
    }

    /** As pg's: with a callback, the outcome goes only to it (nothing is left to reject unheard). */
    query(sql: string, params?: unknown[] | Callback, callback?: Callback): Promise<PgliteResult> | undefined {
      const cb = typeof params === 'function' ? params : callback;
      const values = typeof params === 'function' ? undefined : params;
      const result = values && values.length > 0 ? thread.query(sql, values) : thread.exec(sql).then((all) => all.at(-1) ?? { rows: [], fields: [] });
      if (!cb) return result;
      result.then(
        (r) => cb(null, r),
        (err: Error) => cb(err, null),
      );
      return undefined;
    }

    end(callback?: (err: Error | null) => void): void {
      thread.close().then(
        () => callback?.(null),
        (err: Error) => callback?.(err),
      );
    }
  }
  return { Pool: ThreadPool };
}
