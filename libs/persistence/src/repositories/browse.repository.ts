// Browsing the index for the admin API and its UI: patients, studies, series and instances
// with filters, sorting and paging (limit/offset with the total). Filter values travel as bind
// parameters only; DICOM wildcards (* and ?) become LIKE patterns with %, _ and \ escaped.
// Sort keys are chosen from fixed lists, never taken from the request as SQL.
import type { DataSource } from 'typeorm';
import { likePattern } from './query-predicates';
import { Params } from './sql-params';

export interface Page<T> {
  total: number;
  limit: number;
  offset: number;
  items: T[];
}

export interface Paging {
  limit: number;
  offset: number;
  /** A key of the entity's sort list, "-" in front for descending. */
  sort?: string;
}

export interface PatientFilter {
  /** Person name, wildcards allowed, case-insensitive. */
  patientName?: string;
  /** Wildcards allowed. */
  patientId?: string;
}

export interface StudyFilter extends PatientFilter {
  /** YYYYMMDD, inclusive. */
  studyDateFrom?: string;
  studyDateTo?: string;
  modality?: string;
  /** Wildcards allowed. */
  accessionNumber?: string;
  studyDescription?: string;
}

export interface PatientSummary {
  patientId: string;
  issuerOfPatientId: string;
  patientName: string | null;
  birthDate: string | null;
  sex: string | null;
  numberOfStudies: number;
}

export interface StudySummary {
  studyInstanceUid: string;
  studyDate: string | null;
  studyTime: string | null;
  accessionNumber: string | null;
  studyId: string | null;
  studyDescription: string | null;
  referringPhysicianName: string | null;
  modalitiesInStudy: string[];
  numberOfSeries: number;
  numberOfInstances: number;
  patient: PatientSummary;
  createdAt: string;
  updatedAt: string;
}

export interface StudyDetail extends StudySummary {
  /** The study-level attributes as kept (DICOM JSON, PS3.18 F.2). */
  attributes: Record<string, unknown>;
}

export interface SeriesSummary {
  seriesInstanceUid: string;
  studyInstanceUid: string;
  modality: string | null;
  seriesNumber: number | null;
  seriesDate: string | null;
  seriesTime: string | null;
  seriesDescription: string | null;
  bodyPartExamined: string | null;
  stationName: string | null;
  numberOfInstances: number;
  createdAt: string;
}

export interface InstanceSummary {
  sopInstanceUid: string;
  sopClassUid: string;
  seriesInstanceUid: string;
  studyInstanceUid: string;
  instanceNumber: number | null;
  numberOfFrames: number | null;
  rows: number | null;
  columns: number | null;
  bitsAllocated: number | null;
  photometricInterpretation: string | null;
  transferSyntaxUid: string;
  size: number;
  sourceAe: string | null;
  receivedAt: string;
}

export class InvalidSortError extends Error {
  override readonly name = 'InvalidSortError';
}

export const PATIENT_SORT: Readonly<Record<string, string>> = {
  patientName: 'p."patient_name"', patientId: 'p."patient_id"', birthDate: 'p."birth_date"', numberOfStudies: 'p."number_of_studies"', updatedAt: 'p."updated_at"',
};
export const STUDY_SORT: Readonly<Record<string, string>> = {
  studyDate: 'st."study_date"', patientName: 'p."patient_name"', patientId: 'p."patient_id"', accessionNumber: 'st."accession_number"',
  studyDescription: 'st."study_description"', numberOfInstances: 'st."number_of_instances"', createdAt: 'st."created_at"', updatedAt: 'st."updated_at"',
};
export const SERIES_SORT: Readonly<Record<string, string>> = {
  seriesNumber: 's."series_number"', modality: 's."modality"', seriesDate: 's."series_date"', createdAt: 's."created_at"',
};
export const INSTANCE_SORT: Readonly<Record<string, string>> = {
  instanceNumber: 'i."instance_number"', receivedAt: 'i."received_at"', sopInstanceUid: 'i."sop_instance_uid"',
};

/** ORDER BY of a sort request: the column of a known key, the id as tie-breaker. */
function orderBy(sort: string | undefined, keys: Readonly<Record<string, string>>, fallback: string, id: string): string {
  const requested = sort ?? fallback;
  const descending = requested.startsWith('-');
  const key = descending ? requested.slice(1) : requested;
  const column = keys[key];
  if (!column) throw new InvalidSortError(`sort: ${JSON.stringify(key)} is not one of ${Object.keys(keys).join(', ')} (prefix - for descending)`);
  return `${column} ${descending ? 'DESC NULLS LAST' : 'ASC NULLS LAST'}, ${id} ${descending ? 'DESC' : 'ASC'}`;
}

/** A filter value with DICOM wildcards as LIKE, or equality without them. */
function textMatch(p: Params, column: string, value: string, upper = false): string {
  const v = upper ? value.toUpperCase() : value;
  return /[*?]/.test(v) ? `${column} LIKE ${p.ref(likePattern(v), 'text')} ESCAPE '\\'` : `${column} = ${p.ref(v, 'text')}`;
}

function patientConditions(p: Params, f: PatientFilter, where: string[]): void {
  // Person names match without regard to case (PS3.4 C.2.2.2.1 allows it), as C-FIND does here.
  if (f.patientName) where.push(textMatch(p, 'p."patient_name_search"', f.patientName, true));
  if (f.patientId) where.push(textMatch(p, 'p."patient_id"', f.patientId));
}

const iso = (v: Date | string): string => new Date(v).toISOString();
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

interface PatientRow {
  patient_id: string; issuer: string; patient_name: string | null; birth_date: string | null; sex: string | null; number_of_studies: number;
}
const toPatient = (r: PatientRow): PatientSummary => ({
  patientId: r.patient_id, issuerOfPatientId: r.issuer, patientName: r.patient_name, birthDate: r.birth_date, sex: r.sex, numberOfStudies: Number(r.number_of_studies),
});

interface StudyRow extends PatientRow {
  study_instance_uid: string; study_date: string | null; study_time: string | null; accession_number: string | null; study_id: string | null;
  study_description: string | null; referring_physician_name: string | null; modalities_in_study: string[]; number_of_series: number;
  number_of_instances: number; created_at: Date | string; updated_at: Date | string; attributes?: Record<string, unknown> | string;
}
const STUDY_COLUMNS = `st."study_instance_uid", st."study_date", st."study_time", st."accession_number", st."study_id", st."study_description",
  st."referring_physician_name", st."modalities_in_study", st."number_of_series", st."number_of_instances", st."created_at", st."updated_at",
  p."patient_id", p."issuer", p."patient_name", p."birth_date", p."sex", p."number_of_studies"`;
const toStudy = (r: StudyRow): StudySummary => ({
  studyInstanceUid: r.study_instance_uid, studyDate: r.study_date, studyTime: r.study_time, accessionNumber: r.accession_number, studyId: r.study_id,
  studyDescription: r.study_description, referringPhysicianName: r.referring_physician_name, modalitiesInStudy: r.modalities_in_study ?? [],
  numberOfSeries: Number(r.number_of_series), numberOfInstances: Number(r.number_of_instances), patient: toPatient(r), createdAt: iso(r.created_at), updatedAt: iso(r.updated_at),
});

interface SeriesRow {
  series_instance_uid: string; study_instance_uid: string; modality: string | null; series_number: number | null; series_date: string | null;
  series_time: string | null; series_description: string | null; body_part_examined: string | null; station_name: string | null;
  number_of_instances: number; created_at: Date | string;
}
const toSeries = (r: SeriesRow): SeriesSummary => ({
  seriesInstanceUid: r.series_instance_uid, studyInstanceUid: r.study_instance_uid, modality: r.modality, seriesNumber: num(r.series_number), seriesDate: r.series_date,
  seriesTime: r.series_time, seriesDescription: r.series_description, bodyPartExamined: r.body_part_examined, stationName: r.station_name,
  numberOfInstances: Number(r.number_of_instances), createdAt: iso(r.created_at),
});

interface InstanceRow {
  sop_instance_uid: string; sop_class_uid: string; series_instance_uid: string; study_instance_uid: string; instance_number: number | null;
  number_of_frames: number | null; rows: number | null; columns: number | null; bits_allocated: number | null; photometric_interpretation: string | null;
  transfer_syntax_uid: string; size: string | number; source_ae: string | null; received_at: Date | string;
}
const toInstance = (r: InstanceRow): InstanceSummary => ({
  sopInstanceUid: r.sop_instance_uid, sopClassUid: r.sop_class_uid, seriesInstanceUid: r.series_instance_uid, studyInstanceUid: r.study_instance_uid,
  instanceNumber: num(r.instance_number), numberOfFrames: num(r.number_of_frames), rows: num(r.rows), columns: num(r.columns), bitsAllocated: num(r.bits_allocated),
  photometricInterpretation: r.photometric_interpretation, transferSyntaxUid: r.transfer_syntax_uid, size: Number(r.size), sourceAe: r.source_ae, receivedAt: iso(r.received_at),
});

export class BrowseRepository {
  constructor(private readonly db: DataSource) {}

  private async page<R, T>(from: string, where: string[], p: Params, columns: string, order: string, paging: Paging, map: (r: R) => T): Promise<Page<T>> {
    const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const [count] = (await this.db.query(`SELECT count(*)::int AS n FROM ${from} ${clause}`, p.values)) as { n: number }[];
    const rows = (await this.db.query(
      `SELECT ${columns} FROM ${from} ${clause} ORDER BY ${order} LIMIT ${p.ref(paging.limit, 'int')} OFFSET ${p.ref(paging.offset, 'int')}`,
      p.values,
    )) as R[];
    return { total: Number(count?.n ?? 0), limit: paging.limit, offset: paging.offset, items: rows.map(map) };
  }

  patients(filter: PatientFilter, paging: Paging): Promise<Page<PatientSummary>> {
    const p = new Params();
    const where: string[] = [];
    patientConditions(p, filter, where);
    const order = orderBy(paging.sort, PATIENT_SORT, 'patientName', 'p."id"');
    return this.page<PatientRow, PatientSummary>(`"patient" p`, where, p, `p."patient_id", p."issuer", p."patient_name", p."birth_date", p."sex", p."number_of_studies"`, order, paging, toPatient);
  }

  studies(filter: StudyFilter, paging: Paging): Promise<Page<StudySummary>> {
    const p = new Params();
    const where: string[] = [];
    patientConditions(p, filter, where);
    if (filter.studyDateFrom) where.push(`st."study_date" >= ${p.ref(filter.studyDateFrom, 'text')}`);
    if (filter.studyDateTo) where.push(`st."study_date" <= ${p.ref(filter.studyDateTo, 'text')}`);
    if (filter.modality) where.push(`${p.ref(filter.modality, 'text')} = ANY(st."modalities_in_study")`);
    if (filter.accessionNumber) where.push(textMatch(p, 'st."accession_number"', filter.accessionNumber));
    if (filter.studyDescription) where.push(textMatch(p, 'upper(st."study_description")', filter.studyDescription, true));
    const order = orderBy(paging.sort, STUDY_SORT, '-studyDate', 'st."id"');
    return this.page<StudyRow, StudySummary>(`"study" st JOIN "patient" p ON p."id" = st."patient_fk"`, where, p, STUDY_COLUMNS, order, paging, toStudy);
  }

  async study(studyInstanceUid: string): Promise<StudyDetail | undefined> {
    const rows = (await this.db.query(
      `SELECT ${STUDY_COLUMNS}, st."attributes" FROM "study" st JOIN "patient" p ON p."id" = st."patient_fk" WHERE st."study_instance_uid" = $1::text`,
      [studyInstanceUid],
    )) as StudyRow[];
    const row = rows[0];
    if (!row) return undefined;
    const attributes = typeof row.attributes === 'string' ? (JSON.parse(row.attributes) as Record<string, unknown>) : (row.attributes ?? {});
    return { ...toStudy(row), attributes };
  }

  async studyExists(studyInstanceUid: string): Promise<boolean> {
    const rows = (await this.db.query(`SELECT 1 FROM "study" WHERE "study_instance_uid" = $1::text`, [studyInstanceUid])) as unknown[];
    return rows.length > 0;
  }

  async seriesExists(seriesInstanceUid: string): Promise<boolean> {
    const rows = (await this.db.query(`SELECT 1 FROM "series" WHERE "series_instance_uid" = $1::text`, [seriesInstanceUid])) as unknown[];
    return rows.length > 0;
  }

  series(studyInstanceUid: string, filter: { modality?: string }, paging: Paging): Promise<Page<SeriesSummary>> {
    const p = new Params();
    const where = [`st."study_instance_uid" = ${p.ref(studyInstanceUid, 'text')}`];
    if (filter.modality) where.push(`s."modality" = ${p.ref(filter.modality, 'text')}`);
    const order = orderBy(paging.sort, SERIES_SORT, 'seriesNumber', 's."id"');
    return this.page<SeriesRow, SeriesSummary>(
      `"series" s JOIN "study" st ON st."id" = s."study_fk"`, where, p,
      `s."series_instance_uid", st."study_instance_uid", s."modality", s."series_number", s."series_date", s."series_time", s."series_description",
       s."body_part_examined", s."station_name", s."number_of_instances", s."created_at"`,
      order, paging, toSeries,
    );
  }

  instances(seriesInstanceUid: string, paging: Paging): Promise<Page<InstanceSummary>> {
    const p = new Params();
    const where = [`s."series_instance_uid" = ${p.ref(seriesInstanceUid, 'text')}`];
    const order = orderBy(paging.sort, INSTANCE_SORT, 'instanceNumber', 'i."id"');
    return this.page<InstanceRow, InstanceSummary>(
      `"instance" i JOIN "series" s ON s."id" = i."series_fk" JOIN "study" st ON st."id" = s."study_fk"`, where, p,
      `i."sop_instance_uid", i."sop_class_uid", s."series_instance_uid", st."study_instance_uid", i."instance_number", i."number_of_frames", i."rows", i."columns",
       i."bits_allocated", i."photometric_interpretation", i."transfer_syntax_uid", i."size", i."source_ae", i."received_at"`,
      order, paging, toInstance,
    );
  }

  /** One instance with where its object is (the locations the caller may read, best tier first is the caller's choice). */
  async instance(sopInstanceUid: string): Promise<(InstanceSummary & { locations: { tier: string; key: string; status: string }[] }) | undefined> {
    const rows = (await this.db.query(
      `SELECT i."id"::text AS id, i."sop_instance_uid", i."sop_class_uid", s."series_instance_uid", st."study_instance_uid", i."instance_number", i."number_of_frames", i."rows",
              i."columns", i."bits_allocated", i."photometric_interpretation", i."transfer_syntax_uid", i."size", i."source_ae", i."received_at"
       FROM "instance" i JOIN "series" s ON s."id" = i."series_fk" JOIN "study" st ON st."id" = s."study_fk" WHERE i."sop_instance_uid" = $1::text`,
      [sopInstanceUid],
    )) as (InstanceRow & { id: string })[];
    const row = rows[0];
    if (!row) return undefined;
    const locations = (await this.db.query(
      `SELECT "tier", "storage_key" AS key, "status" FROM "object_location" WHERE "instance_fk" = $1::bigint ORDER BY "id"`,
      [row.id],
    )) as { tier: string; key: string; status: string }[];
    return { ...toInstance(row), locations };
  }

  /**
   * The readable objects of the instances of a study, series or single instance, in series and
   * instance order (WADO-RS retrieval): one location per instance, `preferredTier` first.
   */
  async objects(scope: { studyInstanceUid: string; seriesInstanceUid?: string; sopInstanceUid?: string }, preferredTier: string): Promise<ObjectToRead[]> {
    const p = new Params();
    const where = [`st."study_instance_uid" = ${p.ref(scope.studyInstanceUid, 'text')}`, `l."status" = 'ok'`];
    if (scope.seriesInstanceUid) where.push(`s."series_instance_uid" = ${p.ref(scope.seriesInstanceUid, 'text')}`);
    if (scope.sopInstanceUid) where.push(`i."sop_instance_uid" = ${p.ref(scope.sopInstanceUid, 'text')}`);
    const rows = (await this.db.query(
      `SELECT DISTINCT ON (s."series_number", s."id", i."instance_number", i."id")
              i."sop_instance_uid", i."sop_class_uid", s."series_instance_uid", i."transfer_syntax_uid", i."number_of_frames", i."attributes" AS instance_attributes,
              s."attributes" AS series_attributes, st."attributes" AS study_attributes, p."attributes" AS patient_attributes, l."tier", l."storage_key" AS key, l."size"
       FROM "instance" i JOIN "series" s ON s."id" = i."series_fk" JOIN "study" st ON st."id" = s."study_fk" JOIN "patient" p ON p."id" = st."patient_fk"
       JOIN "object_location" l ON l."instance_fk" = i."id"
       WHERE ${where.join(' AND ')}
       ORDER BY s."series_number" NULLS LAST, s."id", i."instance_number" NULLS LAST, i."id", (l."tier" = ${p.ref(preferredTier, 'text')}) DESC, l."id"`,
      p.values,
    )) as ObjectRow[];
    const json = (v: Record<string, unknown> | string): Record<string, unknown> => (typeof v === 'string' ? (JSON.parse(v) as Record<string, unknown>) : v);
    return rows.map((r) => ({
      sopInstanceUid: r.sop_instance_uid,
      sopClassUid: r.sop_class_uid,
      seriesInstanceUid: r.series_instance_uid,
      transferSyntaxUid: r.transfer_syntax_uid,
      numberOfFrames: num(r.number_of_frames),
      tier: r.tier,
      key: r.key,
      size: Number(r.size),
      // Patient, study, series and instance attributes: the top level of the stored header (without Pixel Data).
      attributes: { ...json(r.patient_attributes), ...json(r.study_attributes), ...json(r.series_attributes), ...json(r.instance_attributes) },
    }));
  }
}

interface ObjectRow {
  sop_instance_uid: string; sop_class_uid: string; series_instance_uid: string; transfer_syntax_uid: string; number_of_frames: number | null;
  instance_attributes: Record<string, unknown> | string; series_attributes: Record<string, unknown> | string; study_attributes: Record<string, unknown> | string;
  patient_attributes: Record<string, unknown> | string; tier: string; key: string; size: string | number;
}

export interface ObjectToRead {
  sopInstanceUid: string;
  sopClassUid: string;
  seriesInstanceUid: string;
  transferSyntaxUid: string;
  numberOfFrames: number | null;
  tier: string;
  key: string;
  size: number;
  /** DICOM JSON of the stored top-level attributes of every level (no bulk data). */
  attributes: Record<string, unknown>;
}
