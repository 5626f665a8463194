// Query keys kept as columns of the index tables (migration 1764115200000-index); every other
// key is read from the level's `attributes` jsonb. Aliases: p patient, st study, se series,
// i instance.
import type { IndexLevel } from '@pacs/domain';

/** How a column holds its value: what matching can do with it. */
export type ColumnKind = 'text' | 'date' | 'time' | 'integer' | 'float' | 'text-array';

export interface KeyColumn {
  /** Qualified column, e.g. st."study_date". */
  sql: string;
  kind: ColumnKind;
  /** For PN: the upper-cased copy used for case-insensitive matching. */
  search?: string;
  /** Values stored as '' rather than NULL when absent (the issuer is part of the patient's identity). */
  emptyAsBlank?: boolean;
}

export const ALIAS: Readonly<Record<IndexLevel, string>> = { patient: 'p', study: 'st', series: 'se', instance: 'i' };

const col = (entity: IndexLevel, name: string, kind: ColumnKind, extra: Partial<KeyColumn> = {}): KeyColumn => ({ sql: `${ALIAS[entity]}."${name}"`, kind, ...extra });

export const KEY_COLUMNS: ReadonlyMap<number, KeyColumn> = new Map<number, KeyColumn>([
  [0x00100020, col('patient', 'patient_id', 'text')],
  [0x00100021, col('patient', 'issuer', 'text', { emptyAsBlank: true })],
  [0x00100010, col('patient', 'patient_name', 'text', { search: 'p."patient_name_search"' })],
  [0x00100030, col('patient', 'birth_date', 'date')],
  [0x00100040, col('patient', 'sex', 'text')],

  [0x0020000d, col('study', 'study_instance_uid', 'text')],
  [0x00080020, col('study', 'study_date', 'date')],
  [0x00080030, col('study', 'study_time', 'time')],
  [0x00080050, col('study', 'accession_number', 'text')],
  [0x00200010, col('study', 'study_id', 'text')],
  [0x00081030, col('study', 'study_description', 'text')],
  [0x00080090, col('study', 'referring_physician_name', 'text')],
  [0x00101010, col('study', 'patient_age', 'text')],
  [0x00101030, col('study', 'patient_weight', 'float')],

  [0x0020000e, col('series', 'series_instance_uid', 'text')],
  [0x00080060, col('series', 'modality', 'text')],
  [0x00200011, col('series', 'series_number', 'integer')],
  [0x00080021, col('series', 'series_date', 'date')],
  [0x00080031, col('series', 'series_time', 'time')],
  [0x0008103e, col('series', 'series_description', 'text')],
  [0x00081010, col('series', 'station_name', 'text')],
  [0x00080080, col('series', 'institution_name', 'text')],
  [0x00180015, col('series', 'body_part_examined', 'text')],
  [0x00181030, col('series', 'protocol_name', 'text')],
  [0x00080070, col('series', 'manufacturer', 'text')],
  [0x00081090, col('series', 'model_name', 'text')],
  [0x00200052, col('series', 'frame_of_reference_uid', 'text')],
  [0x00400244, col('series', 'performed_procedure_step_start_date', 'date')],

  [0x00080018, col('instance', 'sop_instance_uid', 'text')],
  [0x00080016, col('instance', 'sop_class_uid', 'text')],
  [0x00200013, col('instance', 'instance_number', 'integer')],
  [0x00080023, col('instance', 'content_date', 'date')],
  [0x00080033, col('instance', 'content_time', 'time')],
  [0x00080022, col('instance', 'acquisition_date', 'date')],
  [0x00080032, col('instance', 'acquisition_time', 'time')],
  [0x00280008, col('instance', 'number_of_frames', 'integer')],
  [0x00280004, col('instance', 'photometric_interpretation', 'text')],
  [0x00080008, col('instance', 'image_type', 'text-array')],
]);
