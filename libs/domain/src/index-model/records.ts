// The four index rows one instance contributes to (PS3.4 C.6.1.1: Patient, Study, Series,
// Image levels). Strings are decoded Unicode; null means absent or empty.
import type { IndexAttributes } from './index-attributes';

export interface PatientRecord {
  /** (0010,0020); '' when the instance has none (Type 2). With the issuer, the patient's identity. */
  patientId: string;
  /** (0010,0021); '' when absent. */
  issuerOfPatientId: string;
  /** (0010,0010) as decoded, all component groups ("Yamada^Tarou=山田^太郎"). */
  patientName: string | null;
  /** patientName upper-cased, for case-insensitive matching. */
  patientNameSearch: string | null;
  /** DA, YYYYMMDD. */
  birthDate: string | null;
  sex: string | null;
  attributes: IndexAttributes;
}

export interface StudyRecord {
  studyInstanceUid: string;
  studyDate: string | null;
  studyTime: string | null;
  accessionNumber: string | null;
  studyId: string | null;
  studyDescription: string | null;
  referringPhysicianName: string | null;
  /** AS, e.g. "054Y". */
  patientAge: string | null;
  /** kg. */
  patientWeight: number | null;
  attributes: IndexAttributes;
}

export interface SeriesRecord {
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
  attributes: IndexAttributes;
}

export interface InstanceRecord {
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
  /** (0008,0005) as received, e.g. "\ISO 2022 IR 87"; the attributes are Unicode whatever it says. */
  specificCharacterSet: string | null;
  /** Every top-level attribute of the header, values over the limit omitted with their length. */
  attributes: IndexAttributes;
}

export interface IndexRecords {
  patient: PatientRecord;
  study: StudyRecord;
  series: SeriesRecord;
  instance: InstanceRecord;
}
