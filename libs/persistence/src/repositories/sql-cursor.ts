// Streaming a result in batches through a server-side cursor (DECLARE … WITH HOLD / FETCH),
// so no result is ever held whole in this process. WITH HOLD keeps no transaction open while
// a slow reader takes its time. On PostgreSQL the cursor lives on a connection of its own;
// on PGlite (one connection) in the shared session, under a unique name, and the DECLARE and
// the first FETCH go to its thread in one message. Aborting stops the fetching; a statement
// still running on PostgreSQL is cancelled (pg_cancel_backend).
import { randomBytes } from 'node:crypto';
import type { DataSource, QueryRunner } from 'typeorm';
import { pgliteOf } from '../sql-transaction';
import type { Statement } from './query-sql';

export interface CursorOptions {
  fetchSize: number;
  signal?: AbortSignal;
}

const noop = (): void => undefined;

/** The backend process id of a runner's pg client (pg keeps it from BackendKeyData). */
function backendPid(runner: QueryRunner): number | undefined {
  const client = (runner as unknown as { databaseConnection?: { processID?: unknown } }).databaseConnection;
  return typeof client?.processID === 'number' ? client.processID : undefined;
}

export async function* cursorBatches<R>(db: DataSource, statement: Statement, options: CursorOptions): AsyncGenerator<R[]> {
  const { signal, fetchSize } = options;
  if (signal?.aborted) return;
  const pglite = pgliteOf(db);
  let runner: QueryRunner | undefined;
  if (!pglite) {
    runner = db.createQueryRunner();
    await runner.connect();
  }
  const query = (text: string, values?: unknown[]): Promise<R[]> => (runner ? runner.query(text, values) : db.query(text, values));
  const name = `qr_${randomBytes(8).toString('hex')}`;
  const pid = runner ? backendPid(runner) : undefined;
  let running: string | undefined;
  let cancelling: Promise<unknown> = Promise.resolve();
  const onAbort = (): void => {
    if (pid !== undefined && running) cancelling = db.query('SELECT pg_cancel_backend($1::int)', [pid]).catch(noop);
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  const declare = `DECLARE "${name}" NO SCROLL CURSOR WITH HOLD FOR ${statement.text}`;
  const fetch = `FETCH FORWARD ${Math.max(1, Math.floor(fetchSize))} FROM "${name}"`;
  let declared = false;
  try {
    running = 'declare';
    let fetched: R[] | undefined;
    if (pglite) {
      // Should the FETCH fail after the DECLARE, the cursor is there to close (a CLOSE of a
      // cursor that is not there fails unheard).
      declared = true;
      const [, first] = await pglite.queries([{ sql: declare, params: statement.values }, { sql: fetch }]);
      fetched = (first?.rows ?? []) as R[];
    } else {
      await query(declare, statement.values);
      declared = true;
    }
    running = undefined;
    for (;;) {
      if (signal?.aborted) return;
      running = 'fetch';
      const rows = fetched ?? (await query(fetch));
      fetched = undefined;
      running = undefined;
      if (rows.length === 0) return;
      yield rows;
      if (rows.length < fetchSize) return;
    }
  } catch (err) {
    if (signal?.aborted) return;
    throw err;
  } finally {
    running = undefined;
    signal?.removeEventListener('abort', onAbort);
    // Not awaited: the caller has every row, and its answer (a C-FIND's final response) need not
    // wait for the CLOSE. The connection serves no one else before it: PGlite runs statements in
    // the order they come, and a pg connection goes back to the pool only after it. A cancel
    // must land before the CLOSE.
    void cancelling
      .then(() => (declared ? query(`CLOSE "${name}"`) : undefined))
      .catch(noop)
      .then(() => runner?.release())
      .catch(noop);
  }
}
