// Insert-or-update of the patient, study and series rows. Column names are constants of this
// file; every value is a bind parameter. Existing rows are written only when they would change
// and the incoming reception is not older than the one the row holds, so a repeat is a no-op
// that takes no row lock, and a late redelivery cannot roll attributes back.
import type { PatientRecord, SeriesRecord, StudyRecord } from '@pacs/domain';
import { TransactionConflict, type Sql } from '../sql-transaction';
import { Params } from './sql-params';

/** [column, value, SQL type of the bind parameter]. */
type Column<R> = readonly [name: string, value: (r: R) => unknown, type: string];

interface LevelTable<R> {
  table: string;
  /** Identity columns, as in the UNIQUE constraint that ON CONFLICT targets. */
  keys: readonly Column<R>[];
  /** The FK column to the level above, if any. */
  parent?: string;
  columns: readonly Column<R>[];
  /** Columns whose difference from an existing row is reported (patient demographics). */
  compared?: readonly string[];
}

const attributes = <R extends { attributes: unknown }>(): Column<R> => ['attributes', (r) => r.attributes, 'jsonb'];

export const PATIENT_TABLE: LevelTable<PatientRecord> = {
  table: 'patient',
  keys: [['patient_id', (r) => r.patientId, 'text'], ['issuer', (r) => r.issuerOfPatientId, 'text']],
  columns: [
    ['patient_name', (r) => r.patientName, 'text'],
    ['patient_name_search', (r) => r.patientNameSearch, 'text'],
    ['birth_date', (r) => r.birthDate, 'text'],
    ['sex', (r) => r.sex, 'text'],
    attributes(),
  ],
  compared: ['patient_name', 'birth_date', 'sex'],
};

export const STUDY_TABLE: LevelTable<StudyRecord> = {
  table: 'study',
  keys: [['study_instance_uid', (r) => r.studyInstanceUid, 'text']],
  parent: 'patient_fk',
  columns: [
    ['study_date', (r) => r.studyDate, 'text'],
    ['study_time', (r) => r.studyTime, 'text'],
    ['accession_number', (r) => r.accessionNumber, 'text'],
    ['study_id', (r) => r.studyId, 'text'],
    ['study_description', (r) => r.studyDescription, 'text'],
    ['referring_physician_name', (r) => r.referringPhysicianName, 'text'],
    ['patient_age', (r) => r.patientAge, 'text'],
    ['patient_weight', (r) => r.patientWeight, 'double precision'],
    attributes(),
  ],
};

export const SERIES_TABLE: LevelTable<SeriesRecord> = {
  table: 'series',
  keys: [['series_instance_uid', (r) => r.seriesInstanceUid, 'text']],
  parent: 'study_fk',
  columns: [
    ['modality', (r) => r.modality, 'text'],
    ['series_number', (r) => r.seriesNumber, 'integer'],
    ['series_date', (r) => r.seriesDate, 'text'],
    ['series_time', (r) => r.seriesTime, 'text'],
    ['series_description', (r) => r.seriesDescription, 'text'],
    ['station_name', (r) => r.stationName, 'text'],
    ['institution_name', (r) => r.institutionName, 'text'],
    ['body_part_examined', (r) => r.bodyPartExamined, 'text'],
    ['protocol_name', (r) => r.protocolName, 'text'],
    ['manufacturer', (r) => r.manufacturer, 'text'],
    ['model_name', (r) => r.modelName, 'text'],
    ['frame_of_reference_uid', (r) => r.frameOfReferenceUid, 'text'],
    ['performed_procedure_step_start_date', (r) => r.performedProcedureStepStartDate, 'text'],
    attributes(),
  ],
};

export interface LevelUpsert {
  id: string;
  inserted: boolean;
  /** The existing row was overwritten with the incoming values. */
  updated: boolean;
  /** For an updated row whose parent changed: the parent it had. */
  previousParentId: string | null;
  /** An existing row differed in the `compared` columns. */
  comparedDiffer: boolean;
}

function keyCondition<R>(level: LevelTable<R>, record: R, p: Params, qualifier = ''): string {
  return level.keys.map(([name, value, type]) => `${qualifier}"${name}" = ${p.ref(value(record), type)}`).join(' AND ');
}

/** Whether the row holds other values than the incoming ones (attributes, or parent). */
function differs<R extends { attributes: unknown }>(level: LevelTable<R>, record: R, parentId: string | null, p: Params, q = ''): string {
  const attrs = `${q}"attributes" IS DISTINCT FROM ${p.ref(record.attributes, 'jsonb')}`;
  return level.parent ? `(${attrs} OR ${q}"${level.parent}" IS DISTINCT FROM ${p.ref(parentId, 'bigint')})` : `(${attrs})`;
}

export async function upsertLevel<R extends { attributes: unknown }>(
  sql: Sql,
  level: LevelTable<R>,
  record: R,
  parentId: string | null,
  receivedAt: Date,
): Promise<LevelUpsert> {
  const t = level.table;
  const received = receivedAt.toISOString();
  const assigned: Array<readonly [string, unknown, string]> = [
    ...(level.parent ? [[level.parent, parentId, 'bigint'] as const] : []),
    ...level.columns.map(([name, value, type]) => [name, value(record), type] as const),
    ['attributes_received_at', received, 'timestamptz'],
  ];

  const ins = new Params();
  const insertColumns = [...level.keys.map(([name, value, type]) => [name, value(record), type] as const), ...assigned];
  const values = insertColumns.map(([, value, type]) => ins.ref(value, type));
  const [inserted] = await sql.query<{ id: string }>(
    `INSERT INTO "${t}" (${insertColumns.map(([name]) => `"${name}"`).join(', ')}) VALUES (${values.join(', ')})
     ON CONFLICT (${level.keys.map(([name]) => `"${name}"`).join(', ')}) DO NOTHING RETURNING "id"::text AS id`,
    ins.values,
  );
  if (inserted) return { id: inserted.id, inserted: true, updated: false, previousParentId: null, comparedDiffer: false };

  // A new statement, so a row another transaction committed while our INSERT waited is visible.
  const sel = new Params();
  const compared = level.compared
    ? `(${level.compared.map((c) => `"${c}"`).join(', ')}) IS DISTINCT FROM (${level.compared.map((c) => {
        const column = level.columns.find(([name]) => name === c);
        return column ? sel.ref(column[1](record), column[2]) : 'NULL';
      }).join(', ')})`
    : 'false';
  const [existing] = await sql.query<{ id: string; stale: boolean; compared_differ: boolean }>(
    `SELECT "id"::text AS id, ("attributes_received_at" <= ${sel.ref(received, 'timestamptz')} AND ${differs(level, record, parentId, sel)}) AS stale,
       ${compared} AS compared_differ
     FROM "${t}" WHERE ${keyCondition(level, record, sel)}`,
    sel.values,
  );
  // Deleted (deleteStudy) between the two statements: run the whole transaction again.
  if (!existing) throw new TransactionConflict(`${t} row deleted concurrently`);
  if (!existing.stale) return { id: existing.id, inserted: false, updated: false, previousParentId: null, comparedDiffer: existing.compared_differ };

  // The locking sub-select reads the parent the row has once we hold its lock.
  const upd = new Params();
  const [row] = await sql.query<{ previous_parent: string | null }>(
    `UPDATE "${t}" SET ${assigned.map(([name, value, type]) => `"${name}" = ${upd.ref(value, type)}`).join(', ')}, "updated_at" = now()
     FROM (SELECT "id", ${level.parent ? `"${level.parent}"` : 'NULL::bigint'} AS previous_parent FROM "${t}" WHERE "id" = ${upd.ref(existing.id, 'bigint')} FOR UPDATE) AS previous
     WHERE "${t}"."id" = previous."id" AND "${t}"."attributes_received_at" <= ${upd.ref(received, 'timestamptz')}
       AND ${differs(level, record, parentId, upd, `"${t}".`)}
     RETURNING previous.previous_parent::text AS previous_parent`,
    upd.values,
  );
  const previousParentId = row && row.previous_parent !== null && row.previous_parent !== parentId ? row.previous_parent : null;
  return { id: existing.id, inserted: false, updated: row !== undefined, previousParentId, comparedDiffer: existing.compared_differ };
}
