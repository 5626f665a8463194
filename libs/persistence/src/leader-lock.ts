import type { DataSource, QueryRunner } from 'typeorm';
import { isSingleConnection } from './sql-transaction';

/**
 * A simple leader rule for one periodic job across replicas: the leader is whoever holds a
 * session-level PostgreSQL advisory lock (pg_try_advisory_lock) on a connection of its own.
 * The lock lives as long as that connection: a leader that dies or loses its connection
 * releases it, and the next replica to try takes over. PGlite is one process's database, so
 * there the caller always leads. Correctness never depends on it (the jobs are idempotent);
 * it keeps N replicas from doing the same work N times.
 */
export class AdvisoryLeaderLock {
  private runner: QueryRunner | undefined;

  constructor(
    private readonly db: DataSource,
    /** Lock key in the single-bigint key space (separate from the two-int4 one, PostgreSQL docs §9.27.10). */
    private readonly key: bigint,
  ) {}

  /** Whether this process leads now: takes the lock if it is free, verifies it if already held. */
  async acquire(): Promise<boolean> {
    if (isSingleConnection(this.db)) return true;
    if (this.runner) {
      try {
        await this.runner.query('SELECT 1');
        return true;
      } catch {
        await this.drop();
      }
    }
    const runner = this.db.createQueryRunner();
    try {
      await runner.connect();
      const [row] = (await runner.query('SELECT pg_try_advisory_lock($1::bigint) AS locked', [this.key.toString()])) as { locked: boolean }[];
      if (row?.locked) {
        this.runner = runner;
        return true;
      }
    } catch (err) {
      await runner.release().catch(() => undefined);
      throw err;
    }
    await runner.release();
    return false;
  }

  /** Gives up leadership (at shutdown), so another replica can take over at once. */
  async release(): Promise<void> {
    if (!this.runner) return;
    await this.runner.query('SELECT pg_advisory_unlock($1::bigint)', [this.key.toString()]).catch(() => undefined);
    await this.drop();
  }

  private async drop(): Promise<void> {
    const runner = this.runner;
    this.runner = undefined;
    await runner?.release().catch(() => undefined);
  }
}
