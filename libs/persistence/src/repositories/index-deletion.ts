// Deleting a series or one instance from the index (admin API), with the computed keys of the
// study and patient recounted and emptied parents removed; the storage objects of the removed
// instances are returned for the caller to delete. Locks are taken top-down (patient, study,
// series) as the insert path takes them, so the two never deadlock.
import type { DataSource } from 'typeorm';
import { recount } from './index-counts';
import type { StoredObjectRef } from './index.repository';
import { inRetriedTransaction, TransactionConflict, type Sql } from '../sql-transaction';

export interface DeletedEntity {
  deleted: boolean;
  instances: number;
  objects: StoredObjectRef[];
  /** The study the series/instance belonged to (its computed keys changed). */
  studyInstanceUid?: string;
}

interface Parents {
  patient: string;
  study: string;
  series: string;
  studyUid: string;
}

async function lockParents(sql: Sql, parents: Parents): Promise<void> {
  await sql.query(`SELECT 1 FROM "patient" WHERE "id" = $1::bigint FOR UPDATE`, [parents.patient]);
  const [study] = await sql.query<{ patient_fk: string }>(`SELECT "patient_fk"::text AS patient_fk FROM "study" WHERE "id" = $1::bigint FOR UPDATE`, [parents.study]);
  if (study?.patient_fk !== parents.patient) throw new TransactionConflict('study moved to another patient');
  const [series] = await sql.query<{ study_fk: string }>(`SELECT "study_fk"::text AS study_fk FROM "series" WHERE "id" = $1::bigint FOR UPDATE`, [parents.series]);
  if (series?.study_fk !== parents.study) throw new TransactionConflict('series moved to another study');
}

export class IndexDeletion {
  constructor(private readonly db: DataSource) {}

  deleteSeries(seriesInstanceUid: string): Promise<DeletedEntity> {
    return inRetriedTransaction(this.db, async (sql) => {
      const [found] = await sql.query<Parents>(
        `SELECT s."id"::text AS series, st."id"::text AS study, st."patient_fk"::text AS patient, st."study_instance_uid" AS "studyUid"
         FROM "series" s JOIN "study" st ON st."id" = s."study_fk" WHERE s."series_instance_uid" = $1::text`,
        [seriesInstanceUid],
      );
      if (!found) return { deleted: false, instances: 0, objects: [] };
      await lockParents(sql, found);
      const objects = await sql.query<StoredObjectRef>(
        `DELETE FROM "object_location" l USING "instance" i WHERE l."instance_fk" = i."id" AND i."series_fk" = $1::bigint RETURNING l."tier", l."storage_key" AS key`,
        [found.series],
      );
      const [deleted] = await sql.query<{ n: number }>(`WITH d AS (DELETE FROM "instance" WHERE "series_fk" = $1::bigint RETURNING 1) SELECT count(*)::int AS n FROM d`, [found.series]);
      await recount(sql, { series: [found.series], studies: [found.study], patients: [found.patient] });
      return { deleted: true, instances: deleted?.n ?? 0, objects: objects.map(({ tier, key }) => ({ tier, key })), studyInstanceUid: found.studyUid };
    });
  }

  deleteInstance(sopInstanceUid: string): Promise<DeletedEntity> {
    return inRetriedTransaction(this.db, async (sql) => {
      const [found] = await sql.query<Parents & { instance: string }>(
        `SELECT i."id"::text AS instance, s."id"::text AS series, st."id"::text AS study, st."patient_fk"::text AS patient, st."study_instance_uid" AS "studyUid"
         FROM "instance" i JOIN "series" s ON s."id" = i."series_fk" JOIN "study" st ON st."id" = s."study_fk" WHERE i."sop_instance_uid" = $1::text`,
        [sopInstanceUid],
      );
      if (!found) return { deleted: false, instances: 0, objects: [] };
      await lockParents(sql, found);
      const objects = await sql.query<StoredObjectRef>(
        `DELETE FROM "object_location" WHERE "instance_fk" = $1::bigint RETURNING "tier", "storage_key" AS key`,
        [found.instance],
      );
      const [deleted] = await sql.query<{ n: number }>(`WITH d AS (DELETE FROM "instance" WHERE "id" = $1::bigint RETURNING 1) SELECT count(*)::int AS n FROM d`, [found.instance]);
      await recount(sql, { series: [found.series], studies: [found.study], patients: [found.patient] });
      return { deleted: (deleted?.n ?? 0) > 0, instances: deleted?.n ?? 0, objects: objects.map(({ tier, key }) => ({ tier, key })), studyInstanceUid: found.studyUid };
    });
  }
}
