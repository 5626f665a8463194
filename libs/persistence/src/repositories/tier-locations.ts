// Object locations as the archiver changes them (mirror copies, nightly move, cleanup, verify).
// Every change is one statement or one transaction that keeps "one row per instance and tier"
// and never leaves an instance without a row that can be read (see @pacs/domain location-steps).
import type { DataSource } from 'typeorm';
import type { ObjectLocationStatus } from './index.repository';
import { inTransaction } from '../sql-transaction';

export interface TierLocation {
  id: string;
  tier: string;
  key: string;
  digest: string;
  size: number;
  status: ObjectLocationStatus;
  verifiedAt: Date | null;
}

export interface StoredInstance {
  instanceId: string;
  sopInstanceUid: string;
  sopClassUid: string;
  transferSyntaxUid: string;
  locations: TierLocation[];
}

export interface TierUsage {
  tier: string;
  bytes: number;
  objects: number;
}

export interface StudyUsage {
  studyInstanceUid: string;
  bytes: number;
  /** Reception time of its newest instance. */
  lastReceivedAt: Date;
}

export interface VerifyReport {
  startedAt: Date;
  checked: number;
  ok: number;
  mismatched: number;
  missing: number;
  unreadable: number;
  problems: { tier: string; key: string; problem: string }[];
}

export interface SampledLocation extends TierLocation {
  instanceId: string;
}

interface RawLocation {
  instance_id: string;
  sop_instance_uid: string;
  sop_class_uid: string;
  transfer_syntax_uid: string;
  id: string | null;
  tier: string | null;
  key: string | null;
  digest: string | null;
  size: string | null;
  status: ObjectLocationStatus | null;
  verified_at: Date | null;
}

const write = <R extends object>(db: DataSource, text: string, params: readonly unknown[]): Promise<R[]> => inTransaction(db, (sql) => sql.query<R>(text, params));

function group(rows: RawLocation[]): StoredInstance[] {
  const out = new Map<string, StoredInstance>();
  for (const r of rows) {
    let instance = out.get(r.instance_id);
    if (!instance) {
      instance = { instanceId: r.instance_id, sopInstanceUid: r.sop_instance_uid, sopClassUid: r.sop_class_uid, transferSyntaxUid: r.transfer_syntax_uid, locations: [] };
      out.set(r.instance_id, instance);
    }
    if (r.id !== null) {
      instance.locations.push({
        id: r.id, tier: r.tier as string, key: r.key as string, digest: r.digest as string, size: Number(r.size), status: r.status as ObjectLocationStatus,
        verifiedAt: r.verified_at ? new Date(r.verified_at) : null,
      });
    }
  }
  return [...out.values()];
}

const INSTANCE_LOCATIONS = `SELECT i."id"::text AS instance_id, i."sop_instance_uid", i."sop_class_uid", i."transfer_syntax_uid",
  l."id"::text AS id, l."tier", l."storage_key" AS key, l."digest", l."size"::text AS size, l."status", l."verified_at"
  FROM "instance" i LEFT JOIN "object_location" l ON l."instance_fk" = i."id"`;

export class TierLocationRepository {
  constructor(private readonly db: DataSource) {}

  async instance(instanceId: string): Promise<StoredInstance | undefined> {
    return group(await this.db.query(`${INSTANCE_LOCATIONS} WHERE i."id" = $1::bigint ORDER BY l."id"`, [instanceId]))[0];
  }

  async instancesByUid(sopInstanceUids: readonly string[]): Promise<StoredInstance[]> {
    if (sopInstanceUids.length === 0) return [];
    return group(await this.db.query(`${INSTANCE_LOCATIONS} WHERE i."sop_instance_uid" = ANY($1::text[]) ORDER BY i."id", l."id"`, [[...sopInstanceUids]]));
  }

  async instancesOfStudy(studyInstanceUid: string): Promise<StoredInstance[]> {
    return group(await this.db.query(
      `${INSTANCE_LOCATIONS} JOIN "series" se ON se."id" = i."series_fk" JOIN "study" st ON st."id" = se."study_fk"
       WHERE st."study_instance_uid" = $1::text ORDER BY i."id", l."id"`,
      [studyInstanceUid],
    ));
  }

  /** Adds a row for a copy being made (status copying); the existing row's status when there is one. */
  async beginCopy(instanceId: string, tier: string, key: string, digest: string, size: number): Promise<ObjectLocationStatus | 'started'> {
    const inserted = await write(this.db,
      `INSERT INTO "object_location" ("instance_fk", "tier", "storage_key", "digest", "size", "status")
       VALUES ($1::bigint, $2::text, $3::text, $4::text, $5::bigint, 'copying') ON CONFLICT ("instance_fk", "tier") DO NOTHING RETURNING 1 AS added`,
      [instanceId, tier, key, digest, size],
    );
    if (inserted.length > 0) return 'started';
    const [row]: { status: ObjectLocationStatus }[] = await this.db.query(
      `SELECT "status" FROM "object_location" WHERE "instance_fk" = $1::bigint AND "tier" = $2::text`, [instanceId, tier]);
    return row?.status ?? 'missing';
  }

  /** A row left copying or missing becomes a fresh copy attempt of this key. */
  async restartCopy(instanceId: string, tier: string, key: string): Promise<boolean> {
    const rows = await write(this.db,
      `UPDATE "object_location" SET "status" = 'copying', "storage_key" = $3::text, "verified_at" = NULL
       WHERE "instance_fk" = $1::bigint AND "tier" = $2::text AND "status" IN ('copying', 'missing') RETURNING 1 AS ok`,
      [instanceId, tier, key],
    );
    return rows.length > 0;
  }

  /** The copy's digest was verified: offer it. False when the row changed meanwhile (instance replaced). */
  async markCopied(instanceId: string, tier: string, key: string): Promise<boolean> {
    const rows = await write(this.db,
      `UPDATE "object_location" SET "status" = 'ok', "verified_at" = now()
       WHERE "instance_fk" = $1::bigint AND "tier" = $2::text AND "storage_key" = $3::text AND "status" = 'copying' RETURNING 1 AS ok`,
      [instanceId, tier, key],
    );
    return rows.length > 0;
  }

  /**
   * The move's switch, in one transaction: the verified target copy is offered (ok) and the
   * source copy is not any more (deleting). False when the source row is gone or changed.
   */
  switchTo(instanceId: string, source: { tier: string; key: string }, target: { tier: string; key: string; digest: string; size: number }): Promise<boolean> {
    return inTransaction(this.db, async (sql) => {
      const [src] = await sql.query(
        `SELECT 1 AS ok FROM "object_location" WHERE "instance_fk" = $1::bigint AND "tier" = $2::text AND "storage_key" = $3::text AND "status" IN ('ok', 'deleting') FOR UPDATE`,
        [instanceId, source.tier, source.key],
      );
      if (!src) return false;
      await sql.query(
        `INSERT INTO "object_location" ("instance_fk", "tier", "storage_key", "digest", "size", "status", "verified_at")
         VALUES ($1::bigint, $2::text, $3::text, $4::text, $5::bigint, 'ok', now())
         ON CONFLICT ("instance_fk", "tier") DO UPDATE SET "storage_key" = EXCLUDED."storage_key", "digest" = EXCLUDED."digest", "size" = EXCLUDED."size", "status" = 'ok', "verified_at" = now()`,
        [instanceId, target.tier, target.key, target.digest, target.size],
      );
      await sql.query(`UPDATE "object_location" SET "status" = 'deleting' WHERE "instance_fk" = $1::bigint AND "tier" = $2::text`, [instanceId, source.tier]);
      return true;
    });
  }

  /** Changes the status of the instance's row on a tier when it is one of `from`. */
  async setStatus(instanceId: string, tier: string, from: readonly ObjectLocationStatus[], to: ObjectLocationStatus): Promise<boolean> {
    const rows = await write(this.db,
      `UPDATE "object_location" SET "status" = $4::text WHERE "instance_fk" = $1::bigint AND "tier" = $2::text AND "status" = ANY($3::text[]) RETURNING 1 AS ok`,
      [instanceId, tier, [...from], to],
    );
    return rows.length > 0;
  }

  /** Drops the row once its bytes are gone; only a row not offered (not ok) and only while another ok copy exists. */
  async dropLocation(instanceId: string, tier: string): Promise<boolean> {
    const rows = await write(this.db,
      `DELETE FROM "object_location" l WHERE l."instance_fk" = $1::bigint AND l."tier" = $2::text AND l."status" <> 'ok'
         AND EXISTS (SELECT 1 FROM "object_location" o WHERE o."instance_fk" = l."instance_fk" AND o."tier" <> l."tier" AND o."status" = 'ok')
       RETURNING 1 AS ok`,
      [instanceId, tier],
    );
    return rows.length > 0;
  }

  async usagePerTier(): Promise<TierUsage[]> {
    const rows: { tier: string; bytes: string; n: string }[] = await this.db.query(
      `SELECT "tier", coalesce(sum("size"), 0)::text AS bytes, count(*)::text AS n FROM "object_location" GROUP BY "tier" ORDER BY "tier"`,
    );
    return rows.map((r) => ({ tier: r.tier, bytes: Number(r.bytes), objects: Number(r.n) }));
  }

  async bytesOn(tier: string): Promise<number> {
    const [row]: { bytes: string }[] = await this.db.query(`SELECT coalesce(sum("size"), 0)::text AS bytes FROM "object_location" WHERE "tier" = $1::text`, [tier]);
    return Number(row?.bytes ?? 0);
  }

  /** Studies with copies on the tier, least recently received first (the LRU order of the move and cleanup). */
  async studiesOn(tier: string, limit: number): Promise<StudyUsage[]> {
    const rows: { uid: string; bytes: string; last: Date }[] = await this.db.query(
      `SELECT st."study_instance_uid" AS uid, sum(l."size")::text AS bytes, max(i."received_at") AS last
       FROM "object_location" l JOIN "instance" i ON i."id" = l."instance_fk" JOIN "series" se ON se."id" = i."series_fk" JOIN "study" st ON st."id" = se."study_fk"
       WHERE l."tier" = $1::text GROUP BY st."id", st."study_instance_uid" ORDER BY max(i."received_at"), st."id" LIMIT $2::int`,
      [tier, limit],
    );
    return rows.map((r) => ({ studyInstanceUid: r.uid, bytes: Number(r.bytes), lastReceivedAt: new Date(r.last) }));
  }

  /** Instances with an ok copy on one of `sources` and none (or a missing one) on `tier` (mirror backfill). */
  async instancesWithoutCopy(tier: string, sources: readonly string[], limit: number): Promise<string[]> {
    const rows: { id: string }[] = await this.db.query(
      `SELECT i."id"::text AS id FROM "instance" i
       WHERE EXISTS (SELECT 1 FROM "object_location" s WHERE s."instance_fk" = i."id" AND s."tier" = ANY($2::text[]) AND s."status" = 'ok')
         AND NOT EXISTS (SELECT 1 FROM "object_location" m WHERE m."instance_fk" = i."id" AND m."tier" = $1::text AND m."status" <> 'missing')
       ORDER BY i."id" LIMIT $3::int`,
      [tier, [...sources], limit],
    );
    return rows.map((r) => r.id);
  }

  /** Copies to check, the least recently verified first; `limit` 0: all. */
  async sampleForVerify(limit: number): Promise<SampledLocation[]> {
    const rows: { id: string; instance_id: string; tier: string; key: string; digest: string; size: string; status: ObjectLocationStatus; verified_at: Date | null }[] = await this.db.query(
      `SELECT "id"::text AS id, "instance_fk"::text AS instance_id, "tier", "storage_key" AS key, "digest", "size"::text AS size, "status", "verified_at"
       FROM "object_location" WHERE "status" = 'ok' ORDER BY "verified_at" ASC NULLS FIRST, "id" ${limit > 0 ? 'LIMIT $1::int' : ''}`,
      limit > 0 ? [limit] : [],
    );
    return rows.map((r) => ({
      id: r.id, instanceId: r.instance_id, tier: r.tier, key: r.key, digest: r.digest, size: Number(r.size), status: r.status,
      verifiedAt: r.verified_at ? new Date(r.verified_at) : null,
    }));
  }

  /** The verify outcome of one copy: verified now, or missing (no longer offered). */
  async recordVerified(locationId: string, key: string, intact: boolean): Promise<void> {
    await write(this.db,
      intact
        ? `UPDATE "object_location" SET "verified_at" = now() WHERE "id" = $1::bigint AND "storage_key" = $2::text RETURNING 1 AS ok`
        : `UPDATE "object_location" SET "status" = 'missing' WHERE "id" = $1::bigint AND "storage_key" = $2::text AND "status" = 'ok' RETURNING 1 AS ok`,
      [locationId, key],
    );
  }

  async saveVerifyReport(report: VerifyReport): Promise<string> {
    const [row] = await write<{ id: string }>(this.db,
      `INSERT INTO "verify_report" ("started_at", "checked", "ok", "mismatched", "missing", "unreadable", "problems")
       VALUES ($1::timestamptz, $2::int, $3::int, $4::int, $5::int, $6::int, $7::jsonb) RETURNING "id"::text AS id`,
      [report.startedAt.toISOString(), report.checked, report.ok, report.mismatched, report.missing, report.unreadable, JSON.stringify(report.problems)],
    );
    return row?.id ?? '';
  }
}
