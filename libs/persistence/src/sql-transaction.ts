// One transaction with plain parameterised SQL, on PostgreSQL (a pooled connection through
// TypeORM's query runner) or on PGlite. PGlite is one connection: its own transaction() holds
// every other query back until commit, where a BEGIN sent through TypeORM would let other
// callers' statements run inside our transaction.
import type { DataSource } from 'typeorm';
import type { PgliteThread } from './pglite-thread';

export interface Sql {
  query<R extends object = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<R[]>;
}

const singleConnection = new WeakMap<DataSource, PgliteThread>();

/** Marks a data source whose one connection is a PGlite thread. */
export function markSingleConnection(dataSource: DataSource, pglite: PgliteThread): void {
  singleConnection.set(dataSource, pglite);
}

export function isSingleConnection(dataSource: DataSource): boolean {
  return singleConnection.has(dataSource);
}

/** The PGlite thread that is a data source's one connection, if it is one. */
export function pgliteOf(dataSource: DataSource): PgliteThread | undefined {
  return singleConnection.get(dataSource);
}

export async function inTransaction<T>(db: DataSource, fn: (sql: Sql) => Promise<T>): Promise<T> {
  const pglite = pgliteOf(db);
  if (pglite) {
    return pglite.transaction((tx) => fn({ query: async <R extends object>(text: string, params?: readonly unknown[]) => (await tx.query<R>(text, params ? [...params] : undefined)).rows }));
  }
  const runner = db.createQueryRunner();
  try {
    await runner.connect();
    await runner.startTransaction('READ COMMITTED');
    try {
      const result = await fn({
        query: async <R extends object>(text: string, params?: readonly unknown[]) =>
          ((await runner.query(text, params ? [...params] : undefined, true)).records ?? []) as R[],
      });
      await runner.commitTransaction();
      return result;
    } catch (e) {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      throw e;
    }
  } finally {
    await runner.release();
  }
}

/** The SQLSTATE of a driver error (pg's and PGlite's `code`, also copied onto TypeORM's QueryFailedError). */
export function sqlState(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as { code?: unknown; driverError?: { code?: unknown } };
  const code = e.code ?? e.driverError?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * SQLSTATEs after which the whole transaction may simply run again: deadlock_detected and
 * serialization_failure (concurrent writers of the same rows), foreign_key_violation (a
 * parent row deleted by a concurrent deleteStudy between our read and our insert).
 */
const RETRYABLE = new Set(['40P01', '40001', '23503']);

/** Thrown inside a transaction to have it rolled back and run again. */
export class TransactionConflict extends Error {
  override readonly name = 'TransactionConflict';
}

export async function inRetriedTransaction<T>(db: DataSource, fn: (sql: Sql) => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await inTransaction(db, fn);
    } catch (e) {
      const retryable = e instanceof TransactionConflict || RETRYABLE.has(sqlState(e) ?? '');
      if (!retryable || attempt >= attempts) throw e;
      // Jitter so that two transactions that deadlocked do not meet again in lockstep.
      await new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * 20 * attempt)));
    }
  }
}
