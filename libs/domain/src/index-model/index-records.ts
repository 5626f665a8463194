// An instance's header (the data set up to Pixel Data) → its four index rows.
import { isValidUid, type DataSet } from '@pacs/dicom';
import { attributeLevel, type IndexLevel } from './attribute-levels';
import { DEFAULT_MAX_INDEXED_VALUE_LENGTH, indexAttributes } from './index-attributes';
import { date, decimal, integer, strings, text, time } from './header-values';
import { INSTANCE_KEY_TAGS, InvalidInstanceError, type InstanceKeyAttribute } from './invalid-instance-error';
import type { IndexRecords } from './records';

export interface IndexRecordsOptions {
  /** Values longer than this (bytes) are omitted from the stored attributes. Default 4096. */
  maxValueLength?: number;
}

/** PS3.5 §9.1: the UID value, or InvalidInstanceError naming the attribute. */
function requiredUid(header: DataSet, attribute: InstanceKeyAttribute): string {
  const uid = header.getUid(INSTANCE_KEY_TAGS[attribute]);
  if (uid === undefined || uid === '') throw new InvalidInstanceError(attribute, 'missing');
  if (!isValidUid(uid)) throw new InvalidInstanceError(attribute, 'invalid', uid);
  return uid;
}

export function toIndexRecords(header: DataSet, options: IndexRecordsOptions = {}): IndexRecords {
  const sopInstanceUid = requiredUid(header, 'SOPInstanceUID');
  const sopClassUid = requiredUid(header, 'SOPClassUID');
  const studyInstanceUid = requiredUid(header, 'StudyInstanceUID');
  const seriesInstanceUid = requiredUid(header, 'SeriesInstanceUID');
  const max = options.maxValueLength ?? DEFAULT_MAX_INDEXED_VALUE_LENGTH;
  const at = (level: IndexLevel) => indexAttributes(header, (tag) => attributeLevel(tag) === level, max);
  const patientName = text(header, 0x00100010);

  return {
    patient: {
      patientId: text(header, 0x00100020) ?? '',
      issuerOfPatientId: text(header, 0x00100021) ?? '',
      patientName,
      patientNameSearch: patientName?.toUpperCase() ?? null,
      birthDate: date(header, 0x00100030),
      sex: text(header, 0x00100040),
      attributes: at('patient'),
    },
    study: {
      studyInstanceUid,
      studyDate: date(header, 0x00080020),
      studyTime: time(header, 0x00080030),
      accessionNumber: text(header, 0x00080050),
      studyId: text(header, 0x00200010),
      studyDescription: text(header, 0x00081030),
      referringPhysicianName: text(header, 0x00080090),
      patientAge: text(header, 0x00101010),
      patientWeight: decimal(header, 0x00101030),
      attributes: at('study'),
    },
    series: {
      seriesInstanceUid,
      modality: text(header, 0x00080060),
      seriesNumber: integer(header, 0x00200011),
      seriesDate: date(header, 0x00080021),
      seriesTime: time(header, 0x00080031),
      seriesDescription: text(header, 0x0008103e),
      stationName: text(header, 0x00081010),
      institutionName: text(header, 0x00080080),
      bodyPartExamined: text(header, 0x00180015),
      protocolName: text(header, 0x00181030),
      manufacturer: text(header, 0x00080070),
      modelName: text(header, 0x00081090),
      frameOfReferenceUid: header.getUid(0x00200052) || null,
      performedProcedureStepStartDate: date(header, 0x00400244),
      attributes: at('series'),
    },
    instance: {
      sopInstanceUid,
      sopClassUid,
      instanceNumber: integer(header, 0x00200013),
      contentDate: date(header, 0x00080023),
      contentTime: time(header, 0x00080033),
      acquisitionDate: date(header, 0x00080022),
      acquisitionTime: time(header, 0x00080032),
      numberOfFrames: integer(header, 0x00280008),
      rows: integer(header, 0x00280010),
      columns: integer(header, 0x00280011),
      bitsAllocated: integer(header, 0x00280100),
      photometricInterpretation: text(header, 0x00280004),
      imageType: strings(header, 0x00080008),
      specificCharacterSet: text(header, 0x00080005),
      attributes: indexAttributes(header, () => true, max),
    },
  };
}
