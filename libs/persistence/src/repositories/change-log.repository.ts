// The change feed (issue 7, like Orthanc's /changes), filled by the triggers of migration
// 1764547200000: reading it by sequence number (admin-api) and publishing it in order (archiver).
import type { DataSource } from 'typeorm';
import { inTransaction, type Sql } from '../sql-transaction';

export const CHANGE_LEVELS = ['patient', 'study', 'series', 'instance'] as const;
export type ChangeLevel = (typeof CHANGE_LEVELS)[number];

/** new-*, updated-*, deleted-* of each level, and study-stable (no new instance for a while). */
export type ChangeKind = `${'new' | 'updated' | 'deleted'}-${ChangeLevel}` | 'study-stable';

export interface Change {
  seq: number;
  kind: ChangeKind;
  level: ChangeLevel;
  /** Patient ID, Study/Series/SOP Instance UID. */
  uid: string;
  /** The study of a study, series or instance change (absent for patients). */
  studyInstanceUid?: string;
  at: Date;
}

/** A change as GET /api/changes lists it and the bus carries it: the time as ISO 8601. */
export interface ChangeJson {
  seq: number;
  kind: ChangeKind;
  level: ChangeLevel;
  uid: string;
  studyInstanceUid?: string;
  at: string;
}

export function changeJson(change: Change): ChangeJson {
  return {
    seq: change.seq, kind: change.kind, level: change.level, uid: change.uid,
    ...(change.studyInstanceUid !== undefined ? { studyInstanceUid: change.studyInstanceUid } : {}),
    at: change.at.toISOString(),
  };
}

export interface ChangePage {
  changes: Change[];
  /** Pass as `since` to read on; `since` itself when nothing newer is there. */
  last: number;
  /** No more changes after `last` for now. */
  done: boolean;
}

export interface PublishRound {
  /** Another replica holds the publisher cursor. */
  busy: boolean;
  published: number;
  /** study-stable changes recorded in this round (published in the next one). */
  stable: number;
  pruned: number;
}

export interface PublishOptions {
  limit: number;
  /** A study with no new instance for this long gets its study-stable change. */
  stableMs: number;
  retentionDays: number;
  /** Time between two prunes of old rows. */
  pruneEveryMs: number;
}

interface ChangeRow {
  seq: string;
  tx: string;
  kind: ChangeKind;
  level: ChangeLevel;
  uid: string;
  study_uid: string | null;
  at: Date | string;
}

/** Read as c."…": an ORDER BY on the bare names would sort the text output columns. */
const COLUMNS = `c."seq"::text AS seq, c."tx"::text AS tx, c."kind", c."level", c."uid", c."study_uid", c."at"`;

/**
 * Rows of transactions that have ended: none of them can be joined later by a row of lower
 * order. Rows of transactions still running (xid >= the snapshot's xmin) wait for the next read.
 */
const SETTLED = `c."tx" < pg_snapshot_xmin(pg_current_snapshot())`;

function toChange(r: ChangeRow): Change {
  return {
    seq: Number(r.seq), kind: r.kind, level: r.level, uid: r.uid,
    ...(r.study_uid !== null ? { studyInstanceUid: r.study_uid } : {}),
    at: r.at instanceof Date ? r.at : new Date(r.at),
  };
}

export class ChangeLogRepository {
  constructor(private readonly db: DataSource) {}

  /** Changes after `since`, oldest first (GET /api/changes). */
  async list(since: number, limit: number): Promise<ChangePage> {
    const rows: ChangeRow[] = await this.db.query(
      `SELECT ${COLUMNS} FROM "change_log" c WHERE c."seq" > $1::bigint AND ${SETTLED} ORDER BY c."seq" LIMIT $2::int`,
      [since, limit + 1],
    );
    const changes = rows.slice(0, limit).map(toChange);
    return { changes, last: changes.at(-1)?.seq ?? since, done: rows.length <= limit };
  }

  /**
   * One publishing round, in one transaction, by whichever replica takes the cursor (others
   * skip it): records study-stable for studies quiet for `stableMs`, hands the next changes in
   * commit-safe order (transaction, then seq) to `publish`, moves the cursor past them and
   * prunes rows older than the retention. When `publish` throws, nothing moves: the changes are
   * published again next round (at least once; subscribers dedupe by seq).
   */
  publishRound(options: PublishOptions, publish: (changes: readonly Change[]) => Promise<void>): Promise<PublishRound> {
    return inTransaction(this.db, async (sql) => {
      const [cursor] = await sql.query<{ tx: string; seq: string; prune: boolean }>(
        `SELECT "tx"::text AS tx, "seq"::text AS seq, "pruned_at" < now() - make_interval(secs => $1::double precision / 1000) AS prune
         FROM "change_publisher" WHERE "id" = 1 FOR UPDATE SKIP LOCKED`,
        [options.pruneEveryMs],
      );
      if (!cursor) return { busy: true, published: 0, stable: 0, pruned: 0 };
      const stable = await recordStableStudies(sql, options.stableMs);
      const rows = await sql.query<ChangeRow>(
        `SELECT ${COLUMNS} FROM "change_log" c WHERE (c."tx", c."seq") > ($1::xid8, $2::bigint) AND ${SETTLED} ORDER BY c."tx", c."seq" LIMIT $3::int`,
        [cursor.tx, cursor.seq, options.limit],
      );
      const changes = rows.map(toChange);
      const last = rows.at(-1);
      if (last) {
        await trackStudyActivity(sql, changes);
        await publish(changes);
        await sql.query(`UPDATE "change_publisher" SET "tx" = $1::xid8, "seq" = $2::bigint WHERE "id" = 1`, [last.tx, last.seq]);
      }
      let pruned = 0;
      if (cursor.prune) {
        // Only what was published: a log the archiver never read stays until it has.
        const [row] = await sql.query<{ n: number }>(
          `WITH d AS (DELETE FROM "change_log" WHERE "at" < now() - make_interval(days => $1::int)
             AND ("tx", "seq") <= (SELECT "tx", "seq" FROM "change_publisher" WHERE "id" = 1) RETURNING 1)
           SELECT count(*)::int AS n FROM d`,
          [options.retentionDays],
        );
        pruned = row?.n ?? 0;
        await sql.query(`UPDATE "change_publisher" SET "pruned_at" = now() WHERE "id" = 1`);
      }
      return { busy: false, published: changes.length, stable, pruned };
    });
  }
}

/** The last new instance of each study; a deleted study waits for nothing any more. */
async function trackStudyActivity(sql: Sql, changes: readonly Change[]): Promise<void> {
  const last = new Map<string, Date>();
  const deleted = new Set<string>();
  for (const c of changes) {
    if (c.kind === 'new-instance' && c.studyInstanceUid !== undefined) {
      const seen = last.get(c.studyInstanceUid);
      if (!seen || seen < c.at) last.set(c.studyInstanceUid, c.at);
      deleted.delete(c.studyInstanceUid);
    } else if (c.kind === 'deleted-study') {
      last.delete(c.uid);
      deleted.add(c.uid);
    }
  }
  if (last.size > 0) {
    await sql.query(
      `INSERT INTO "change_study_activity" ("study_uid", "last_instance_at") SELECT * FROM unnest($1::text[], $2::timestamptz[])
       ON CONFLICT ("study_uid") DO UPDATE SET "last_instance_at" = greatest("change_study_activity"."last_instance_at", EXCLUDED."last_instance_at")`,
      [[...last.keys()], [...last.values()].map((d) => d.toISOString())],
    );
  }
  if (deleted.size > 0) await sql.query(`DELETE FROM "change_study_activity" WHERE "study_uid" = ANY($1::text[])`, [[...deleted]]);
}

/** study-stable for every study quiet for stableMs, once per quiet period (the activity row goes). */
async function recordStableStudies(sql: Sql, stableMs: number): Promise<number> {
  const [row] = await sql.query<{ n: number }>(
    `WITH quiet AS (
       DELETE FROM "change_study_activity" WHERE "last_instance_at" < now() - make_interval(secs => $1::double precision / 1000) RETURNING "study_uid"
     ), recorded AS (
       INSERT INTO "change_log" ("kind", "level", "uid", "study_uid") SELECT 'study-stable', 'study', "study_uid", "study_uid" FROM quiet ORDER BY "study_uid" RETURNING 1
     )
     SELECT count(*)::int AS n FROM recorded`,
    [stableMs],
  );
  return row?.n ?? 0;
}
