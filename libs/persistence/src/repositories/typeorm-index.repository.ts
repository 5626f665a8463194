// IndexRepository on PostgreSQL/PGlite: one transaction per instance or per batch, INSERT …
// ON CONFLICT, bind parameters only.
import { decideDuplicate, type DuplicateDecision } from '@pacs/domain';
import type { DataSource } from 'typeorm';
import { inRetriedTransaction, inTransaction, isSingleConnection, TransactionConflict, type Sql } from '../sql-transaction';
import { instanceColumns, insertNewInstances, partitionBatch, type Assigned } from './index-batch';
import { countInStudy, countNewInstancesInSeries, countNewStudy, recount } from './index-counts';
import { PATIENT_TABLE, SERIES_TABLE, STUDY_TABLE, upsertLevel } from './index-levels';
import { bindValue, Params } from './sql-params';
import type {
  DeletedStudy, IndexRepository, ObjectLocation, ObjectLocationInput, ObjectLocationStatus,
  StoredObjectRef, UpsertInstanceInput, UpsertInstanceResult, UpsertOutcome,
} from './index.repository';

/** Advisory lock class for "indexing this SOP Instance UID" (two-key form: its own lock space). */
const SOP_INSTANCE_LOCK_CLASS = 0x50414353; // "PACS"

const OUTCOME: Readonly<Record<DuplicateDecision, UpsertOutcome>> = {
  'store-new': 'inserted',
  'keep-existing': 'unchanged',
  replace: 'replaced',
  reject: 'rejected',
};

interface ExistingInstance {
  id: string;
  digest: string;
  source_ae: string | null;
  series_fk: string;
}

export class TypeOrmIndexRepository implements IndexRepository {
  constructor(private readonly db: DataSource) {}

  /** PGlite is one connection: a second transaction would only wait for the first. */
  get concurrentWriters(): number {
    return isSingleConnection(this.db) ? 1 : 2;
  }

  upsertInstance(input: UpsertInstanceInput): Promise<UpsertInstanceResult> {
    return inRetriedTransaction(this.db, (sql) => this.upsertIn(sql, input));
  }

  upsertInstances(inputs: readonly UpsertInstanceInput[]): Promise<UpsertInstanceResult[]> {
    return inRetriedTransaction(this.db, (sql) => this.upsertAllIn(sql, inputs));
  }

  async rehearseUpserts(inputs: readonly UpsertInstanceInput[]): Promise<void> {
    const rollback = new Error('rehearsal rolled back');
    await inTransaction(this.db, async (sql) => {
      await this.upsertAllIn(sql, inputs);
      throw rollback;
    }).catch((error: unknown) => {
      if (error !== rollback) throw error;
    });
  }

  private async upsertAllIn(sql: Sql, inputs: readonly UpsertInstanceInput[]): Promise<UpsertInstanceResult[]> {
    const [only] = inputs;
    if (inputs.length === 1 && only) return [await this.upsertIn(sql, only)];
    const uids = [...new Set(inputs.map((input) => input.records.instance.sopInstanceUid))];
    // Every UID's lock, in one order for all writers, so two batches cannot deadlock on them.
    await sql.query(
      `SELECT pg_advisory_xact_lock($1::int, h) FROM (SELECT DISTINCT hashtext(u) AS h FROM unnest($2::text[]) AS u ORDER BY 1) AS locks`,
      [SOP_INSTANCE_LOCK_CLASS, uids],
    );
    const indexed = await sql.query<{ uid: string }>(`SELECT "sop_instance_uid" AS uid FROM "instance" WHERE "sop_instance_uid" = ANY($1::text[])`, [uids]);
    const { batch, single } = partitionBatch(inputs, new Set(indexed.map((row) => row.uid)));
    const results = new Array<UpsertInstanceResult>(inputs.length);
    if (batch.length > 0) {
      const outcomes = await insertNewInstances(sql, batch.map((i) => inputs[i]!));
      batch.forEach((i, n) => (results[i] = { outcome: 'inserted', obsoleteObjects: [], ...outcomes[n]! }));
    }
    // Known UIDs and repeats within the batch: one by one, after the new ones, in order.
    for (const i of single) results[i] = await this.upsertIn(sql, inputs[i]!);
    return results;
  }

  private async upsertIn(sql: Sql, { records, location, receipt, policy }: UpsertInstanceInput): Promise<UpsertInstanceResult> {
    const sopInstanceUid = records.instance.sopInstanceUid;
    // Serialises indexing of one SOP Instance UID (a redelivery racing the original, two
    // copies sent at once), so the duplicate decision below sees a settled state.
    await sql.query(`SELECT pg_advisory_xact_lock($1::int, hashtext($2::text))`, [SOP_INSTANCE_LOCK_CLASS, sopInstanceUid]);
    const [existing] = await sql.query<ExistingInstance>(
      `SELECT "id"::text AS id, "digest", "source_ae", "series_fk"::text AS series_fk FROM "instance" WHERE "sop_instance_uid" = $1::text FOR UPDATE`,
      [sopInstanceUid],
    );
    const decision = decideDuplicate(policy, existing ? { digest: existing.digest, sourceAe: existing.source_ae } : null, { digest: location.digest, sourceAe: receipt.sourceAe });
    if (existing && (decision === 'keep-existing' || decision === 'reject')) {
      const obsoleteObjects = await this.keepExisting(sql, existing, location);
      return { outcome: OUTCOME[decision], instanceId: existing.id, demographicsConflict: false, obsoleteObjects };
    }

    const patient = await upsertLevel(sql, PATIENT_TABLE, records.patient, null, receipt.receivedAt);
    const study = await upsertLevel(sql, STUDY_TABLE, records.study, patient.id, receipt.receivedAt);
    const series = await upsertLevel(sql, SERIES_TABLE, records.series, study.id, receipt.receivedAt);
    const affected = { patients: new Set<string>(), studies: new Set<string>(), series: new Set<string>() };
    if (study.previousParentId !== null) affected.patients.add(study.previousParentId).add(patient.id);
    if (series.previousParentId !== null) affected.studies.add(series.previousParentId).add(study.id);
    // A series whose modality changed: Modalities in Study is recounted.
    if (series.updated) affected.studies.add(study.id);

    let instanceId: string;
    let obsoleteObjects: StoredObjectRef[] = [];
    const columns = instanceColumns(records.instance, series.id, location, receipt);
    if (existing) {
      const p = new Params();
      await sql.query(
        `UPDATE "instance" SET ${columns.map(([c, v, t]) => `"${c}" = ${p.ref(v, t)}`).join(', ')}, "updated_at" = now() WHERE "id" = ${p.ref(existing.id, 'bigint')}`,
        p.values,
      );
      instanceId = existing.id;
      const removed = await sql.query<{ tier: string; key: string }>(
        `DELETE FROM "object_location" WHERE "instance_fk" = $1::bigint RETURNING "tier", "storage_key" AS key`,
        [instanceId],
      );
      obsoleteObjects = removed.filter((o) => o.tier !== location.tier || o.key !== location.key).map(({ tier, key }) => ({ tier, key }));
      if (existing.series_fk !== series.id) affected.series.add(existing.series_fk).add(series.id);
    } else {
      const p = new Params();
      const all: Assigned = [['sop_instance_uid', sopInstanceUid, 'text'], ...columns];
      const [row] = await sql.query<{ id: string }>(
        `INSERT INTO "instance" (${all.map(([c]) => `"${c}"`).join(', ')}) VALUES (${all.map(([, v, t]) => p.ref(v, t)).join(', ')}) RETURNING "id"::text AS id`,
        p.values,
      );
      if (!row) throw new TransactionConflict('instance insert returned no row');
      instanceId = row.id;
    }
    await this.insertLocation(sql, instanceId, location);

    // Counters top-down, as every writer takes them: patient, study, series.
    if (study.inserted) await countNewStudy(sql, patient.id);
    await countInStudy(sql, study.id, { newSeriesModalities: series.inserted ? [records.series.modality] : [], newInstances: existing ? 0 : 1 });
    if (!existing) await countNewInstancesInSeries(sql, series.id);
    if (affected.patients.size + affected.studies.size + affected.series.size > 0) await recount(sql, affected);

    return { outcome: OUTCOME[decision], instanceId, demographicsConflict: patient.comparedDiffer, obsoleteObjects };
  }

  /**
   * The existing instance stays. The same bytes stored again may add a location on another
   * tier (regen from a second tier) or bring back one marked missing; otherwise the incoming
   * object is not referenced and is reported obsolete.
   */
  private async keepExisting(sql: Sql, existing: ExistingInstance, location: ObjectLocationInput): Promise<StoredObjectRef[]> {
    if (existing.digest === location.digest) {
      await sql.query(
        `INSERT INTO "object_location" ("instance_fk", "tier", "storage_key", "digest", "size")
         VALUES ($1::bigint, $2::text, $3::text, $4::text, $5::bigint)
         ON CONFLICT ("instance_fk", "tier") DO UPDATE SET "storage_key" = EXCLUDED."storage_key", "status" = 'ok', "verified_at" = NULL
         WHERE "object_location"."status" = 'missing'`,
        [existing.id, location.tier, location.key, location.digest, location.size].map((v) => bindValue(v, 'text')),
      );
    }
    const [referenced] = await sql.query(
      `SELECT 1 FROM "object_location" WHERE "instance_fk" = $1::bigint AND "tier" = $2::text AND "storage_key" = $3::text`,
      [existing.id, location.tier, location.key],
    );
    return referenced ? [] : [{ tier: location.tier, key: location.key }];
  }

  private async insertLocation(sql: Sql, instanceId: string, location: ObjectLocationInput): Promise<void> {
    await sql.query(
      `INSERT INTO "object_location" ("instance_fk", "tier", "storage_key", "digest", "size") VALUES ($1::bigint, $2::text, $3::text, $4::text, $5::bigint)`,
      [instanceId, location.tier, location.key, location.digest, location.size].map((v) => bindValue(v, 'text')),
    );
  }

  async findInstanceLocations(sopInstanceUid: string): Promise<ObjectLocation[]> {
    const rows: Array<{ tier: string; key: string; digest: string; size: string; status: ObjectLocationStatus; created_at: Date; verified_at: Date | null }> =
      await this.db.query(
        `SELECT l."tier", l."storage_key" AS key, l."digest", l."size"::text AS size, l."status", l."created_at", l."verified_at"
         FROM "object_location" l JOIN "instance" i ON i."id" = l."instance_fk"
         WHERE i."sop_instance_uid" = $1::text ORDER BY l."tier"`,
        [sopInstanceUid],
      );
    return rows.map((r) => ({
      tier: r.tier, key: r.key, digest: r.digest, size: Number(r.size), status: r.status, createdAt: new Date(r.created_at), verifiedAt: r.verified_at === null ? null : new Date(r.verified_at),
    }));
  }

  async countInstances(): Promise<number> {
    const [row] = await this.db.query(`SELECT count(*)::text AS n FROM "instance"`);
    return Number(row.n);
  }

  deleteStudy(studyInstanceUid: string): Promise<DeletedStudy> {
    return inRetriedTransaction(this.db, async (sql) => {
      const [study] = await sql.query<{ id: string; patient_fk: string }>(
        `SELECT "id"::text AS id, "patient_fk"::text AS patient_fk FROM "study" WHERE "study_instance_uid" = $1::text`,
        [studyInstanceUid],
      );
      if (!study) return { deleted: false, instances: 0, objects: [] };
      // Top-down locks (patient, study, its series): an instance or series being added to the
      // study now waits for us and then finds its parent gone, and runs again.
      await sql.query(`SELECT 1 FROM "patient" WHERE "id" = $1::bigint FOR UPDATE`, [study.patient_fk]);
      const [locked] = await sql.query<{ patient_fk: string }>(`SELECT "patient_fk"::text AS patient_fk FROM "study" WHERE "id" = $1::bigint FOR UPDATE`, [study.id]);
      if (!locked) return { deleted: false, instances: 0, objects: [] };
      if (locked.patient_fk !== study.patient_fk) throw new TransactionConflict('study moved to another patient');
      await sql.query(`SELECT 1 FROM "series" WHERE "study_fk" = $1::bigint ORDER BY "id" FOR UPDATE`, [study.id]);
      const objects = await sql.query<{ tier: string; key: string }>(
        `DELETE FROM "object_location" l USING "instance" i, "series" s
         WHERE l."instance_fk" = i."id" AND i."series_fk" = s."id" AND s."study_fk" = $1::bigint
         RETURNING l."tier", l."storage_key" AS key`,
        [study.id],
      );
      const [deleted] = await sql.query<{ n: number }>(
        `WITH d AS (DELETE FROM "instance" i USING "series" s WHERE i."series_fk" = s."id" AND s."study_fk" = $1::bigint RETURNING 1)
         SELECT count(*)::int AS n FROM d`,
        [study.id],
      );
      // Series before their study (not by cascade), so the change log's deleted-series rows still find their study.
      await sql.query(`DELETE FROM "series" WHERE "study_fk" = $1::bigint`, [study.id]);
      await sql.query(`DELETE FROM "study" WHERE "id" = $1::bigint`, [study.id]);
      await recount(sql, { patients: [study.patient_fk] });
      return { deleted: true, instances: deleted?.n ?? 0, objects: objects.map(({ tier, key }) => ({ tier, key })) };
    });
  }
}
