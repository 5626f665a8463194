// Durable archive jobs (table archive_job): claimed with a lease by any archiver replica
// (FOR UPDATE SKIP LOCKED, the same SQL on PostgreSQL and PGlite). A job whose worker died is
// claimed again once its lease ran out; a job in state done or failed is never claimed again.
// Every state change names the lease owner, so a worker that lost its lease changes nothing.
// An operator may cancel a queued or running job; cancelled is final like done and failed, and
// the worker of a cancelled running job changes nothing either (its state is no longer 'running').
import type { DataSource } from 'typeorm';
import { inTransaction, type Sql } from '../sql-transaction';

export type JobState = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';

export const JOB_STATES: readonly JobState[] = ['queued', 'running', 'done', 'failed', 'cancelled'];

export interface NewJob {
  kind: string;
  target: string;
  payload: Record<string, unknown>;
  maxAttempts: number;
  /** Not before this long from now. */
  delayMs: number;
  /**
   * Join a job already queued for the same kind and target: its payload.instances gains ours
   * and, with stableMs, its start moves to stableMs from now (a study still arriving). Without
   * join, an identical queued job makes this one a no-op.
   */
  join?: { stableMs: number | undefined };
}

export interface ClaimedJob {
  id: string;
  kind: string;
  target: string;
  payload: Record<string, unknown>;
  /** Including this one. */
  attempts: number;
  maxAttempts: number;
}

export interface JobCount {
  kind: string;
  state: JobState;
  count: number;
}

export interface JobRow extends ClaimedJob {
  state: JobState;
  nextRunAt: Date;
  leaseOwner: string | null;
  lastError: string | null;
  lastAttemptAt: Date | null;
  finishedAt: Date | null;
}

/** A job as the admin API shows it. */
export interface JobView extends JobRow {
  createdAt: Date;
  updatedAt: Date;
}

export interface JobFilter {
  state?: JobState;
  kind?: string;
}

/** cancel(): the job now cancelled, the job already finished (unchanged), or no such job. */
export type CancelOutcome = { outcome: 'cancelled'; job: JobView } | { outcome: 'finished'; job: JobView } | { outcome: 'unknown' };

export interface JobQueue {
  /** True when a job was added or joined. */
  enqueue(job: NewJob): Promise<boolean>;
  /** Due jobs (queued, or running with an expired lease) of these kinds, now leased to `owner`. */
  claim(owner: string, kinds: readonly string[], limit: number, leaseMs: number): Promise<ClaimedJob[]>;
  /** Extends the lease; false when the job is no longer this owner's. */
  renew(id: string, owner: string, leaseMs: number): Promise<boolean>;
  complete(id: string, owner: string): Promise<boolean>;
  /** A failed attempt: queued again after delayMs, or failed for good when out of attempts. */
  retry(id: string, owner: string, delayMs: number, error: string, payload?: Record<string, unknown>): Promise<'queued' | 'failed' | 'lost'>;
  /** Continue later without counting an attempt (a waiting period, the next phase). */
  defer(id: string, owner: string, delayMs: number, payload: Record<string, unknown>): Promise<boolean>;
  fail(id: string, owner: string, error: string): Promise<boolean>;
  /** Removes up to `limit` finished jobs (done, failed, cancelled) that finished more than olderThanMs ago; returns how many. */
  removeFinished(olderThanMs: number, limit: number): Promise<number>;
  /** Queued, running and failed jobs by kind and state (done and cancelled ones are history). */
  counts(): Promise<JobCount[]>;
  /** Jobs of a kind whose target starts with `targetPrefix`, newest first (status views, tests). */
  list(kind: string, targetPrefix?: string, limit?: number): Promise<JobRow[]>;
  /** A page of jobs, newest first, and how many match. */
  find(filter: JobFilter, limit: number, offset: number): Promise<{ items: JobView[]; total: number }>;
  get(id: string): Promise<JobView | undefined>;
  /** Ends a queued or running job as cancelled (its worker, if any, can no longer record anything). */
  cancel(id: string): Promise<CancelOutcome>;
}

/** UPDATE … RETURNING rows (TypeORM's plain query() answers [rows, count] for UPDATE). */
const write = <R extends object>(db: DataSource, text: string, params: readonly unknown[]): Promise<R[]> => inTransaction(db, (sql) => sql.query<R>(text, params));

const ms = (p: string) => `(${p}::bigint * interval '1 millisecond')`;

/** jsonb payload merge of two jobs for the same target: union of their instances. */
const MERGED_PAYLOAD = `CASE WHEN jsonb_typeof(t."payload"->'instances') = 'array' AND jsonb_typeof(s."payload"->'instances') = 'array'
  THEN jsonb_set(t."payload", '{instances}', (SELECT coalesce(jsonb_agg(DISTINCT e.v), '[]'::jsonb) FROM jsonb_array_elements((t."payload"->'instances') || (s."payload"->'instances')) AS e(v)))
  ELSE t."payload" END`;

interface RawJob {
  id: string;
  kind: string;
  target: string;
  state: JobState;
  payload: Record<string, unknown>;
  attempts: number;
  max_attempts: number;
  next_run_at: Date;
  lease_owner: string | null;
  last_error: string | null;
  last_attempt_at: Date | null;
  finished_at: Date | null;
}

interface RawJobView extends RawJob {
  created_at: Date;
  updated_at: Date;
}

const claimed = (r: RawJob): ClaimedJob => ({ id: r.id, kind: r.kind, target: r.target, payload: r.payload, attempts: r.attempts, maxAttempts: r.max_attempts });
const RETURNING = `"id"::text AS id, "kind", "target", "state", "payload", "attempts", "max_attempts", "next_run_at", "lease_owner", "last_error", "last_attempt_at", "finished_at"`;
const VIEW = `${RETURNING}, "created_at", "updated_at"`;

const row = (r: RawJob): JobRow => ({
  ...claimed(r), state: r.state, nextRunAt: new Date(r.next_run_at), leaseOwner: r.lease_owner, lastError: r.last_error,
  lastAttemptAt: r.last_attempt_at ? new Date(r.last_attempt_at) : null, finishedAt: r.finished_at ? new Date(r.finished_at) : null,
});
const view = (r: RawJobView): JobView => ({ ...row(r), createdAt: new Date(r.created_at), updatedAt: new Date(r.updated_at) });

/** Adds a job inside the caller's transaction (the outbox drain enqueues with its delete). */
export async function enqueueJobIn(sql: Sql, job: NewJob): Promise<boolean> {
  const params = [job.kind, job.target, JSON.stringify(job.payload), job.maxAttempts, job.delayMs];
  if (!job.join) {
    const rows = await sql.query(
      `INSERT INTO "archive_job" ("kind", "target", "payload", "max_attempts", "next_run_at")
       VALUES ($1::text, $2::text, $3::jsonb, $4::int, now() + ${ms('$5')})
       ON CONFLICT ("kind", "target") WHERE "state" = 'queued' DO NOTHING RETURNING 1 AS added`,
      params,
    );
    return rows.length > 0;
  }
  const rows = await sql.query(
    `INSERT INTO "archive_job" AS t ("kind", "target", "payload", "max_attempts", "next_run_at")
     VALUES ($1::text, $2::text, $3::jsonb, $4::int, now() + ${ms('$5')})
     ON CONFLICT ("kind", "target") WHERE "state" = 'queued' DO UPDATE SET
       "payload" = jsonb_set(t."payload", '{instances}', coalesce(t."payload"->'instances', '[]'::jsonb) || coalesce(EXCLUDED."payload"->'instances', '[]'::jsonb)),
       "next_run_at" = CASE WHEN $6::bigint IS NULL THEN t."next_run_at" ELSE greatest(t."next_run_at", now() + ${ms('$6')}) END,
       "updated_at" = now()
     RETURNING 1 AS added`,
    [...params, job.join.stableMs ?? null],
  );
  return rows.length > 0;
}

export class TypeOrmJobQueue implements JobQueue {
  constructor(private readonly db: DataSource) {}

  enqueue(job: NewJob): Promise<boolean> {
    return inTransaction(this.db, (sql) => enqueueJobIn(sql, job));
  }

  async claim(owner: string, kinds: readonly string[], limit: number, leaseMs: number): Promise<ClaimedJob[]> {
    if (limit <= 0 || kinds.length === 0) return [];
    const rows = await write<RawJob>(
      this.db,
      `UPDATE "archive_job" j SET "state" = 'running', "lease_owner" = $1::text, "lease_until" = now() + ${ms('$2')},
         "attempts" = j."attempts" + 1, "last_attempt_at" = now(), "updated_at" = now()
       FROM (SELECT "id" FROM "archive_job"
             WHERE "kind" = ANY($3::text[])
               AND (("state" = 'queued' AND "next_run_at" <= now()) OR ("state" = 'running' AND "lease_until" < now()))
             ORDER BY "next_run_at", "id" LIMIT $4::int FOR UPDATE SKIP LOCKED) c
       WHERE j."id" = c."id"
       RETURNING j."id"::text AS id, j."kind", j."target", j."state", j."payload", j."attempts", j."max_attempts", j."next_run_at", j."lease_owner", j."last_error", j."last_attempt_at", j."finished_at"`,
      [owner, leaseMs, [...kinds], limit],
    );
    return rows.map(claimed);
  }

  async renew(id: string, owner: string, leaseMs: number): Promise<boolean> {
    const rows = await write(
      this.db,
      `UPDATE "archive_job" SET "lease_until" = now() + ${ms('$3')} WHERE "id" = $1::bigint AND "lease_owner" = $2::text AND "state" = 'running' RETURNING 1 AS ok`,
      [id, owner, leaseMs],
    );
    return rows.length > 0;
  }

  async complete(id: string, owner: string): Promise<boolean> {
    const rows = await write(
      this.db,
      `UPDATE "archive_job" SET "state" = 'done', "finished_at" = now(), "updated_at" = now(), "lease_until" = NULL, "last_error" = NULL
       WHERE "id" = $1::bigint AND "lease_owner" = $2::text AND "state" = 'running' RETURNING 1 AS ok`,
      [id, owner],
    );
    return rows.length > 0;
  }

  async fail(id: string, owner: string, error: string): Promise<boolean> {
    const rows = await write(
      this.db,
      `UPDATE "archive_job" SET "state" = 'failed', "finished_at" = now(), "updated_at" = now(), "lease_until" = NULL, "last_error" = $3::text
       WHERE "id" = $1::bigint AND "lease_owner" = $2::text AND "state" = 'running' RETURNING 1 AS ok`,
      [id, owner, error],
    );
    return rows.length > 0;
  }

  async retry(id: string, owner: string, delayMs: number, error: string, payload?: Record<string, unknown>): Promise<'queued' | 'failed' | 'lost'> {
    return inTransaction(this.db, async (sql) => {
      const [job] = await sql.query<{ attempts: number; max_attempts: number }>(
        `SELECT "attempts", "max_attempts" FROM "archive_job" WHERE "id" = $1::bigint AND "lease_owner" = $2::text AND "state" = 'running' FOR UPDATE`,
        [id, owner],
      );
      if (!job) return 'lost';
      if (job.attempts >= job.max_attempts) {
        await sql.query(
          `UPDATE "archive_job" SET "state" = 'failed', "finished_at" = now(), "updated_at" = now(), "lease_until" = NULL, "last_error" = $2::text,
             "payload" = coalesce($3::jsonb, "payload") WHERE "id" = $1::bigint`,
          [id, error, payload ? JSON.stringify(payload) : null],
        );
        return 'failed';
      }
      await this.requeue(sql, id, delayMs, error, payload, 0);
      return 'queued';
    });
  }

  async defer(id: string, owner: string, delayMs: number, payload: Record<string, unknown>): Promise<boolean> {
    return inTransaction(this.db, async (sql) => {
      const [job] = await sql.query(`SELECT 1 AS ok FROM "archive_job" WHERE "id" = $1::bigint AND "lease_owner" = $2::text AND "state" = 'running' FOR UPDATE`, [id, owner]);
      if (!job) return false;
      await this.requeue(sql, id, delayMs, null, payload, 1);
      return true;
    });
  }

  /**
   * Back to queued; when another job for the same target was queued meanwhile (the unique
   * pending index allows one), this one folds into it instead and ends as done.
   */
  private async requeue(sql: Sql, id: string, delayMs: number, error: string | null, payload: Record<string, unknown> | undefined, refund: number): Promise<void> {
    const payloadJson = payload ? JSON.stringify(payload) : null;
    const [twin] = await sql.query<{ id: string }>(
      `SELECT t."id"::text AS id FROM "archive_job" t JOIN "archive_job" s ON s."kind" = t."kind" AND s."target" = t."target"
       WHERE s."id" = $1::bigint AND t."state" = 'queued' FOR UPDATE OF t`,
      [id],
    );
    if (twin) {
      await sql.query(`UPDATE "archive_job" SET "payload" = coalesce($2::jsonb, "payload") WHERE "id" = $1::bigint`, [id, payloadJson]);
      await sql.query(
        `UPDATE "archive_job" t SET "payload" = ${MERGED_PAYLOAD}, "next_run_at" = least(t."next_run_at", now() + ${ms('$3')}), "updated_at" = now()
         FROM "archive_job" s WHERE t."id" = $1::bigint AND s."id" = $2::bigint`,
        [twin.id, id, delayMs],
      );
      await sql.query(
        `UPDATE "archive_job" SET "state" = 'done', "finished_at" = now(), "updated_at" = now(), "lease_until" = NULL, "last_error" = $2::text WHERE "id" = $1::bigint`,
        [id, `folded into job ${twin.id}`],
      );
      return;
    }
    await sql.query(
      `UPDATE "archive_job" SET "state" = 'queued', "next_run_at" = now() + ${ms('$2')}, "lease_owner" = NULL, "lease_until" = NULL,
         "last_error" = coalesce($3::text, "last_error"), "payload" = coalesce($4::jsonb, "payload"), "attempts" = "attempts" - $5::int, "updated_at" = now()
       WHERE "id" = $1::bigint`,
      [id, delayMs, error, payloadJson, refund],
    );
  }

  async counts(): Promise<JobCount[]> {
    // Read through the (state, id) index: done and cancelled jobs are history, as many as jobs ever
    // ran within the retention, and are not counted here.
    const rows: { kind: string; state: JobState; n: number }[] = await this.db.query(
      `SELECT "kind", "state", count(*)::int AS n FROM "archive_job" WHERE "state" IN ('queued', 'running', 'failed') GROUP BY "kind", "state" ORDER BY 1, 2`,
    );
    return rows.map((r) => ({ kind: r.kind, state: r.state, count: r.n }));
  }

  async removeFinished(olderThanMs: number, limit: number): Promise<number> {
    const rows = await write(
      this.db,
      `DELETE FROM "archive_job" WHERE "id" IN (
         SELECT "id" FROM "archive_job" WHERE "state" IN ('done', 'failed', 'cancelled') AND "finished_at" < now() - ${ms('$1')} LIMIT $2::int
       ) RETURNING 1 AS ok`,
      [olderThanMs, limit],
    );
    return rows.length;
  }

  async list(kind: string, targetPrefix = '', limit = 1000): Promise<JobRow[]> {
    const rows: RawJob[] = await this.db.query(
      `SELECT ${RETURNING} FROM "archive_job" WHERE "kind" = $1::text AND starts_with("target", $2::text) ORDER BY "id" DESC LIMIT $3::int`,
      [kind, targetPrefix, limit],
    );
    return rows.map(row);
  }

  async find(filter: JobFilter, limit: number, offset: number): Promise<{ items: JobView[]; total: number }> {
    const where = `("state" = $1::text OR $1::text IS NULL) AND ("kind" = $2::text OR $2::text IS NULL)`;
    const params = [filter.state ?? null, filter.kind ?? null];
    const [rows, counted]: [RawJobView[], { n: number }[]] = await Promise.all([
      this.db.query(`SELECT ${VIEW} FROM "archive_job" WHERE ${where} ORDER BY "id" DESC LIMIT $3::int OFFSET $4::int`, [...params, limit, offset]),
      this.db.query(`SELECT count(*)::int AS n FROM "archive_job" WHERE ${where}`, params),
    ]);
    return { items: rows.map(view), total: counted[0]?.n ?? 0 };
  }

  async get(id: string): Promise<JobView | undefined> {
    const rows: RawJobView[] = await this.db.query(`SELECT ${VIEW} FROM "archive_job" WHERE "id" = $1::bigint`, [id]);
    return rows[0] ? view(rows[0]) : undefined;
  }

  async cancel(id: string): Promise<CancelOutcome> {
    const [cancelled] = await write<RawJobView>(
      this.db,
      `UPDATE "archive_job" SET "state" = 'cancelled', "finished_at" = now(), "updated_at" = now(), "lease_until" = NULL
       WHERE "id" = $1::bigint AND "state" IN ('queued', 'running') RETURNING ${VIEW}`,
      [id],
    );
    if (cancelled) return { outcome: 'cancelled', job: view(cancelled) };
    const job = await this.get(id);
    return job ? { outcome: 'finished', job } : { outcome: 'unknown' };
  }
}
