// The computed keys of PS3.4 C.6.1.1 (Number of Patient Related Studies, Number of Study
// Related Series/Instances, Modalities in Study, Number of Series Related Instances).
// The common path increments them, and only when a row was really inserted: an UPDATE … + 1
// waits for a concurrent writer of the same row and then adds to its committed value, so
// parallel inserts never lose a count. Moves and deletions recount from the children, after
// locking the parents, in a statement that starts after the locks are held and so sees every
// committed child (READ COMMITTED takes a snapshot per statement).
import { Params } from './sql-params';
import type { Sql } from '../sql-transaction';

export async function countNewStudy(sql: Sql, patientId: string, added = 1): Promise<void> {
  await sql.query(`UPDATE "patient" SET "number_of_studies" = "number_of_studies" + $2::integer, "updated_at" = now() WHERE "id" = $1::bigint`, [patientId, added]);
}

/** New series (with their modalities) and/or new instances in a study. */
export async function countInStudy(sql: Sql, studyId: string, change: { newSeriesModalities: readonly (string | null)[]; newInstances: number }): Promise<void> {
  const newSeries = change.newSeriesModalities.length;
  if (newSeries === 0 && change.newInstances === 0) return;
  const p = new Params();
  const modalities = p.ref([...new Set(change.newSeriesModalities.filter((m): m is string => m !== null && m !== ''))], 'text[]');
  await sql.query(
    `UPDATE "study" SET
       "number_of_series" = "number_of_series" + ${p.ref(newSeries, 'integer')},
       "number_of_instances" = "number_of_instances" + ${p.ref(change.newInstances, 'integer')},
       "modalities_in_study" = CASE WHEN ${modalities} <@ "modalities_in_study" THEN "modalities_in_study"
         ELSE ARRAY(SELECT DISTINCT m FROM unnest("modalities_in_study" || ${modalities}) AS m ORDER BY m) END,
       "updated_at" = now()
     WHERE "id" = ${p.ref(studyId, 'bigint')}`,
    p.values,
  );
}

export async function countNewInstancesInSeries(sql: Sql, seriesId: string, added = 1): Promise<void> {
  await sql.query(`UPDATE "series" SET "number_of_instances" = "number_of_instances" + $2::integer, "updated_at" = now() WHERE "id" = $1::bigint`, [seriesId, added]);
}

export interface AffectedRows {
  patients?: Iterable<string>;
  studies?: Iterable<string>;
  series?: Iterable<string>;
}

/**
 * Recounts the given rows and their ancestors from their children, deleting series and studies
 * left without children. Locks are taken top-down (patients, studies, series), the order the
 * insert path uses, so the two do not deadlock over the same rows.
 */
export async function recount(sql: Sql, affected: AffectedRows): Promise<void> {
  const series = [...new Set(affected.series ?? [])];
  const studies = new Set(affected.studies ?? []);
  const patients = new Set(affected.patients ?? []);
  if (series.length > 0) {
    for (const r of await sql.query<{ id: string }>(`SELECT DISTINCT "study_fk"::text AS id FROM "series" WHERE "id" = ANY($1::bigint[])`, [series])) studies.add(r.id);
  }
  if (studies.size > 0) {
    for (const r of await sql.query<{ id: string }>(`SELECT DISTINCT "patient_fk"::text AS id FROM "study" WHERE "id" = ANY($1::bigint[])`, [[...studies]])) patients.add(r.id);
  }
  const studyIds = [...studies];
  const patientIds = [...patients];
  await sql.query(`SELECT 1 FROM "patient" WHERE "id" = ANY($1::bigint[]) ORDER BY "id" FOR UPDATE`, [patientIds]);
  await sql.query(`SELECT 1 FROM "study" WHERE "id" = ANY($1::bigint[]) ORDER BY "id" FOR UPDATE`, [studyIds]);
  await sql.query(`SELECT 1 FROM "series" WHERE "id" = ANY($1::bigint[]) ORDER BY "id" FOR UPDATE`, [series]);

  await sql.query(`DELETE FROM "series" s WHERE s."id" = ANY($1::bigint[]) AND NOT EXISTS (SELECT 1 FROM "instance" i WHERE i."series_fk" = s."id")`, [series]);
  await sql.query(
    `UPDATE "series" s SET "number_of_instances" = c.n, "updated_at" = now()
     FROM (SELECT s2."id", (SELECT count(*)::int FROM "instance" i WHERE i."series_fk" = s2."id") AS n FROM "series" s2 WHERE s2."id" = ANY($1::bigint[])) c
     WHERE s."id" = c."id" AND s."number_of_instances" <> c.n`,
    [series],
  );
  await sql.query(`DELETE FROM "study" st WHERE st."id" = ANY($1::bigint[]) AND NOT EXISTS (SELECT 1 FROM "series" s WHERE s."study_fk" = st."id")`, [studyIds]);
  await sql.query(
    `UPDATE "study" st SET "number_of_series" = c.series, "number_of_instances" = c.instances, "modalities_in_study" = c.modalities, "updated_at" = now()
     FROM (SELECT st2."id",
             (SELECT count(*)::int FROM "series" s WHERE s."study_fk" = st2."id") AS series,
             (SELECT count(*)::int FROM "instance" i JOIN "series" s ON s."id" = i."series_fk" WHERE s."study_fk" = st2."id") AS instances,
             ARRAY(SELECT DISTINCT s."modality" FROM "series" s WHERE s."study_fk" = st2."id" AND s."modality" IS NOT NULL ORDER BY 1) AS modalities
           FROM "study" st2 WHERE st2."id" = ANY($1::bigint[])) c
     WHERE st."id" = c."id"
       AND (st."number_of_series", st."number_of_instances", st."modalities_in_study") IS DISTINCT FROM (c.series, c.instances, c.modalities)`,
    [studyIds],
  );
  await sql.query(
    `UPDATE "patient" p SET "number_of_studies" = c.n, "updated_at" = now()
     FROM (SELECT p2."id", (SELECT count(*)::int FROM "study" st WHERE st."patient_fk" = p2."id") AS n FROM "patient" p2 WHERE p2."id" = ANY($1::bigint[])) c
     WHERE p."id" = c."id" AND p."number_of_studies" <> c.n`,
    [patientIds],
  );
}
