// The index tables (migration 1764115200000-index) as EntitySchemas, column for column, so the
// drift check (pendingSchemaChanges) proves migration and entities agree. Repositories write
// with SQL; these entities serve reads and the check.
import { EntitySchema, type EntitySchemaColumnOptions } from 'typeorm';

export interface PatientRow {
  id: string;
  patientId: string;
  issuer: string;
  patientName: string | null;
  patientNameSearch: string | null;
  birthDate: string | null;
  sex: string | null;
  attributes: unknown;
  attributesReceivedAt: Date;
  numberOfStudies: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface StudyRow {
  id: string;
  patient: PatientRow;
  studyInstanceUid: string;
  studyDate: string | null;
  studyTime: string | null;
  accessionNumber: string | null;
  studyId: string | null;
  studyDescription: string | null;
  referringPhysicianName: string | null;
  patientAge: string | null;
  patientWeight: number | null;
  modalitiesInStudy: string[];
  numberOfSeries: number;
  numberOfInstances: number;
  attributes: unknown;
  attributesReceivedAt: Date;
  createdAt: Date;
  updatedAt: Date;
}

export interface SeriesRow {
  id: string;
  study: StudyRow;
  seriesInstanceUid: string;
  modality: string | null;
  seriesNumber: number | null;
  seriesDate: string | null;
  seriesTime: string | null;
  seriesDescription: string | null;
  stationName: string | null;
  institutionName: string | null;
  bodyPartExamined: string | null;
  protocolName: string | null;
  manufacturer: string | null;
  modelName: string | null;
  frameOfReferenceUid: string | null;
  performedProcedureStepStartDate: string | null;
  numberOfInstances: number;
  attributes: unknown;
  attributesReceivedAt: Date;
  createdAt: Date;
  updatedAt: Date;
}

export interface InstanceRow {
  id: string;
  series: SeriesRow;
  sopInstanceUid: string;
  sopClassUid: string;
  instanceNumber: number | null;
  contentDate: string | null;
  contentTime: string | null;
  acquisitionDate: string | null;
  acquisitionTime: string | null;
  numberOfFrames: number | null;
  rows: number | null;
  columns: number | null;
  bitsAllocated: number | null;
  photometricInterpretation: string | null;
  imageType: string[] | null;
  specificCharacterSet: string | null;
  transferSyntaxUid: string;
  size: string;
  digest: string;
  sourceAe: string | null;
  receivedAt: Date;
  attributes: unknown;
  createdAt: Date;
  updatedAt: Date;
}

export interface ObjectLocationRow {
  id: string;
  instance: InstanceRow;
  tier: string;
  storageKey: string;
  digest: string;
  size: string;
  status: 'ok' | 'copying' | 'deleting' | 'missing';
  createdAt: Date;
  verifiedAt: Date | null;
}

const id: EntitySchemaColumnOptions = { type: 'bigint', primary: true, generated: 'increment' };
const text = (name: string): EntitySchemaColumnOptions => ({ name, type: 'text', nullable: true });
const requiredText = (name: string): EntitySchemaColumnOptions => ({ name, type: 'text' });
const int = (name: string): EntitySchemaColumnOptions => ({ name, type: 'integer', nullable: true });
const count = (name: string): EntitySchemaColumnOptions => ({ name, type: 'integer', default: 0 });
const timestamps = {
  createdAt: { name: 'created_at', type: 'timestamptz', default: () => 'now()' },
  updatedAt: { name: 'updated_at', type: 'timestamptz', default: () => 'now()' },
} satisfies Record<string, EntitySchemaColumnOptions>;
const levelAttributes = {
  attributes: { name: 'attributes', type: 'jsonb' },
  attributesReceivedAt: { name: 'attributes_received_at', type: 'timestamptz' },
} satisfies Record<string, EntitySchemaColumnOptions>;

export const PatientEntity = new EntitySchema<PatientRow>({
  name: 'Patient',
  tableName: 'patient',
  columns: {
    id,
    patientId: requiredText('patient_id'),
    issuer: { name: 'issuer', type: 'text', default: '' },
    patientName: text('patient_name'),
    patientNameSearch: text('patient_name_search'),
    birthDate: text('birth_date'),
    sex: text('sex'),
    ...levelAttributes,
    numberOfStudies: count('number_of_studies'),
    ...timestamps,
  },
  uniques: [{ name: 'uq_patient_identity', columns: ['patientId', 'issuer'] }],
  // text_pattern_ops indexes: TypeORM cannot express the operator class, so it leaves them alone.
  indices: [
    { name: 'ix_patient_patient_id', columns: ['patientId'], synchronize: false },
    { name: 'ix_patient_name_search', columns: ['patientNameSearch'], synchronize: false },
  ],
});

export const StudyEntity = new EntitySchema<StudyRow>({
  name: 'Study',
  tableName: 'study',
  columns: {
    id,
    studyInstanceUid: requiredText('study_instance_uid'),
    studyDate: text('study_date'),
    studyTime: text('study_time'),
    accessionNumber: text('accession_number'),
    studyId: text('study_id'),
    studyDescription: text('study_description'),
    referringPhysicianName: text('referring_physician_name'),
    patientAge: text('patient_age'),
    patientWeight: { name: 'patient_weight', type: 'double precision', nullable: true },
    modalitiesInStudy: { name: 'modalities_in_study', type: 'text', array: true, default: () => "'{}'" },
    numberOfSeries: count('number_of_series'),
    numberOfInstances: count('number_of_instances'),
    ...levelAttributes,
    ...timestamps,
  },
  relations: {
    patient: {
      type: 'many-to-one',
      target: 'Patient',
      nullable: false,
      joinColumn: { name: 'patient_fk', foreignKeyConstraintName: 'fk_study_patient' },
    },
  },
  uniques: [{ name: 'uq_study_instance_uid', columns: ['studyInstanceUid'] }],
  indices: [
    { name: 'ix_study_patient', columns: ['patient'] },
    { name: 'ix_study_study_date', columns: ['studyDate'] },
    { name: 'ix_study_accession_number', columns: ['accessionNumber'] },
  ],
});

export const SeriesEntity = new EntitySchema<SeriesRow>({
  name: 'Series',
  tableName: 'series',
  columns: {
    id,
    seriesInstanceUid: requiredText('series_instance_uid'),
    modality: text('modality'),
    seriesNumber: int('series_number'),
    seriesDate: text('series_date'),
    seriesTime: text('series_time'),
    seriesDescription: text('series_description'),
    stationName: text('station_name'),
    institutionName: text('institution_name'),
    bodyPartExamined: text('body_part_examined'),
    protocolName: text('protocol_name'),
    manufacturer: text('manufacturer'),
    modelName: text('model_name'),
    frameOfReferenceUid: text('frame_of_reference_uid'),
    performedProcedureStepStartDate: text('performed_procedure_step_start_date'),
    numberOfInstances: count('number_of_instances'),
    ...levelAttributes,
    ...timestamps,
  },
  relations: {
    study: {
      type: 'many-to-one',
      target: 'Study',
      nullable: false,
      onDelete: 'CASCADE',
      joinColumn: { name: 'study_fk', foreignKeyConstraintName: 'fk_series_study' },
    },
  },
  uniques: [{ name: 'uq_series_instance_uid', columns: ['seriesInstanceUid'] }],
  indices: [
    { name: 'ix_series_study', columns: ['study'] },
    { name: 'ix_series_modality', columns: ['modality'] },
  ],
});

export const InstanceEntity = new EntitySchema<InstanceRow>({
  name: 'Instance',
  tableName: 'instance',
  columns: {
    id,
    sopInstanceUid: requiredText('sop_instance_uid'),
    sopClassUid: requiredText('sop_class_uid'),
    instanceNumber: int('instance_number'),
    contentDate: text('content_date'),
    contentTime: text('content_time'),
    acquisitionDate: text('acquisition_date'),
    acquisitionTime: text('acquisition_time'),
    numberOfFrames: int('number_of_frames'),
    rows: int('rows'),
    columns: int('columns'),
    bitsAllocated: int('bits_allocated'),
    photometricInterpretation: text('photometric_interpretation'),
    imageType: { name: 'image_type', type: 'text', array: true, nullable: true },
    specificCharacterSet: text('specific_character_set'),
    transferSyntaxUid: requiredText('transfer_syntax_uid'),
    size: { name: 'size', type: 'bigint' },
    digest: requiredText('digest'),
    sourceAe: text('source_ae'),
    receivedAt: { name: 'received_at', type: 'timestamptz' },
    attributes: { name: 'attributes', type: 'jsonb' },
    ...timestamps,
  },
  relations: {
    series: {
      type: 'many-to-one',
      target: 'Series',
      nullable: false,
      onDelete: 'CASCADE',
      joinColumn: { name: 'series_fk', foreignKeyConstraintName: 'fk_instance_series' },
    },
  },
  uniques: [{ name: 'uq_sop_instance_uid', columns: ['sopInstanceUid'] }],
  indices: [{ name: 'ix_instance_series', columns: ['series'] }],
});

export const ObjectLocationEntity = new EntitySchema<ObjectLocationRow>({
  name: 'ObjectLocation',
  tableName: 'object_location',
  columns: {
    id,
    tier: requiredText('tier'),
    storageKey: requiredText('storage_key'),
    digest: requiredText('digest'),
    size: { name: 'size', type: 'bigint' },
    status: { name: 'status', type: 'text', default: 'ok' },
    createdAt: timestamps.createdAt,
    verifiedAt: { name: 'verified_at', type: 'timestamptz', nullable: true },
  },
  relations: {
    instance: {
      type: 'many-to-one',
      target: 'Instance',
      nullable: false,
      onDelete: 'CASCADE',
      joinColumn: { name: 'instance_fk', foreignKeyConstraintName: 'fk_object_location_instance' },
    },
  },
  uniques: [{ name: 'uq_object_location_tier', columns: ['instance', 'tier'] }],
  indices: [{ name: 'ix_object_location_storage_key', columns: ['storageKey'] }],
  checks: [{ name: 'ck_object_location_status', expression: `"status" IN ('ok', 'copying', 'deleting', 'missing')` }],
});
