// The keys of each Query/Retrieve level (PS3.4 C.6.1.1.2-5 Patient Root, C.6.2.1.2-4 Study
// Root, C.6.3.1 Patient/Study Only) and the keys the SCP computes rather than stores.
import { tagForKeyword } from '@pacs/dicom';
import type { IndexLevel } from '../index-model';
import { MODEL_LEVELS, UNIQUE_KEY, type QueryLevel, type QueryModelName } from './query-model';

export type KeyType = 'unique' | 'required' | 'optional';

const tag = (keyword: string): number => {
  const t = tagForKeyword(keyword);
  if (t === undefined) throw new Error(`dictionary has no ${keyword}`);
  return t;
};

/** Required keys (Tables C.6-1 to C.6-4, C.6-5 to C.6-7); every other stored attribute is optional. */
const REQUIRED: Readonly<Record<QueryModelName, Partial<Record<QueryLevel, readonly string[]>>>> = {
  'patient-root': {
    PATIENT: ['PatientName'],
    STUDY: ['StudyDate', 'StudyTime', 'AccessionNumber', 'StudyID'],
    SERIES: ['Modality', 'SeriesNumber'],
    IMAGE: ['InstanceNumber'],
  },
  'study-root': {
    STUDY: ['StudyDate', 'StudyTime', 'AccessionNumber', 'PatientName', 'PatientID', 'StudyID'],
    SERIES: ['Modality', 'SeriesNumber'],
    IMAGE: ['InstanceNumber'],
  },
  'patient-study-only': {
    PATIENT: ['PatientName'],
    STUDY: ['StudyDate', 'StudyTime', 'AccessionNumber', 'StudyID'],
  },
  'composite-instance-root': {},
};

const requiredTags = new Map<string, ReadonlySet<number>>();

/** How PS3.4 classifies `tag` at `level` of `model`. */
export function keyType(model: QueryModelName, level: QueryLevel, t: number): KeyType {
  if (MODEL_LEVELS[model].includes(level) && UNIQUE_KEY[level] === t >>> 0) return 'unique';
  const cacheKey = `${model}/${level}`;
  let required = requiredTags.get(cacheKey);
  if (!required) {
    required = new Set((REQUIRED[model][level] ?? []).map(tag));
    requiredTags.set(cacheKey, required);
  }
  return required.has(t >>> 0) ? 'required' : 'optional';
}

/** The SCP-computed keys (PS3.4 C.6.1.1.2-4, C.6.2.1.2): answered from counters, not from stored headers. */
export type ComputedKey =
  | 'NumberOfPatientRelatedStudies'
  | 'NumberOfPatientRelatedSeries'
  | 'NumberOfPatientRelatedInstances'
  | 'NumberOfStudyRelatedSeries'
  | 'NumberOfStudyRelatedInstances'
  | 'NumberOfSeriesRelatedInstances'
  | 'ModalitiesInStudy'
  | 'SOPClassesInStudy';

export interface ComputedKeyInfo {
  keyword: ComputedKey;
  tag: number;
  vr: 'IS' | 'CS' | 'UI';
  /** The entity the value describes. */
  entity: IndexLevel;
}

const computed = (keyword: ComputedKey, vr: ComputedKeyInfo['vr'], entity: IndexLevel): ComputedKeyInfo => ({ keyword, tag: tag(keyword), vr, entity });

export const COMPUTED_KEYS: readonly ComputedKeyInfo[] = [
  computed('NumberOfPatientRelatedStudies', 'IS', 'patient'),
  computed('NumberOfPatientRelatedSeries', 'IS', 'patient'),
  computed('NumberOfPatientRelatedInstances', 'IS', 'patient'),
  computed('NumberOfStudyRelatedSeries', 'IS', 'study'),
  computed('NumberOfStudyRelatedInstances', 'IS', 'study'),
  computed('ModalitiesInStudy', 'CS', 'study'),
  computed('SOPClassesInStudy', 'UI', 'study'),
  computed('NumberOfSeriesRelatedInstances', 'IS', 'series'),
];

const computedByTag = new Map(COMPUTED_KEYS.map((k) => [k.tag, k]));

export function computedKey(t: number): ComputedKeyInfo | undefined {
  return computedByTag.get(t >>> 0);
}

/** Attributes of the request and response themselves, never matched against the index. */
export const QueryTag = {
  SpecificCharacterSet: 0x00080005,
  QueryRetrieveLevel: 0x00080052,
  QueryRetrieveView: 0x00080053,
  RetrieveAETitle: 0x00080054,
  InstanceAvailability: 0x00080056,
  TimezoneOffsetFromUTC: 0x00080201,
  IssuerOfPatientID: 0x00100021,
} as const;

const CONTROL_TAGS: ReadonlySet<number> = new Set([
  QueryTag.SpecificCharacterSet,
  QueryTag.QueryRetrieveLevel,
  QueryTag.QueryRetrieveView,
  QueryTag.RetrieveAETitle,
  QueryTag.InstanceAvailability,
  QueryTag.TimezoneOffsetFromUTC,
]);

/** Keys that steer the query or describe the answer rather than select entities. */
export function isControlKey(t: number): boolean {
  return CONTROL_TAGS.has(t >>> 0);
}
