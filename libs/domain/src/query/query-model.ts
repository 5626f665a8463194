// The Query/Retrieve information models of PS3.4 C.6: their levels, top to bottom, and the
// unique key of each level. The levels map onto the index's entity levels.
import { queryRetrieveSopClass } from '@pacs/dicom';
import type { IndexLevel } from '../index-model';

export type QueryLevel = 'PATIENT' | 'STUDY' | 'SERIES' | 'IMAGE';

/** The models this archive answers C-FIND for; retrieve also takes Composite Instance Root. */
export type QueryModelName = 'patient-root' | 'study-root' | 'patient-study-only' | 'composite-instance-root';

export const QUERY_LEVELS: readonly QueryLevel[] = ['PATIENT', 'STUDY', 'SERIES', 'IMAGE'];

/** PS3.4 C.6.1.1 Patient Root, C.6.2.1 Study Root, C.6.3.1 Patient/Study Only (retired), C.6.3 Composite Instance Root. */
export const MODEL_LEVELS: Readonly<Record<QueryModelName, readonly QueryLevel[]>> = {
  'patient-root': ['PATIENT', 'STUDY', 'SERIES', 'IMAGE'],
  'study-root': ['STUDY', 'SERIES', 'IMAGE'],
  'patient-study-only': ['PATIENT', 'STUDY'],
  'composite-instance-root': ['STUDY', 'SERIES', 'IMAGE'],
};

/** The entity (index table) each level's records are. */
export const LEVEL_ENTITY: Readonly<Record<QueryLevel, IndexLevel>> = {
  PATIENT: 'patient',
  STUDY: 'study',
  SERIES: 'series',
  IMAGE: 'instance',
};

/** Tags of the unique keys: Patient ID, Study/Series/SOP Instance UID (PS3.4 C.6.1.1.1). */
export const UNIQUE_KEY: Readonly<Record<QueryLevel, number>> = {
  PATIENT: 0x00100020,
  STUDY: 0x0020000d,
  SERIES: 0x0020000e,
  IMAGE: 0x00080018,
};

const ENTITY_DEPTH: Readonly<Record<IndexLevel, number>> = { patient: 0, study: 1, series: 2, instance: 3 };

/** Whether attributes of `entity` belong to a record at `level` or above it. */
export function entityAvailableAt(entity: IndexLevel, level: QueryLevel): boolean {
  return ENTITY_DEPTH[entity] <= ENTITY_DEPTH[LEVEL_ENTITY[level]];
}

/** Entities whose attributes a record at `level` carries, top down. */
export function entitiesAt(level: QueryLevel): IndexLevel[] {
  return (['patient', 'study', 'series', 'instance'] as const).filter((e) => entityAvailableAt(e, level));
}

export function isQueryLevel(value: string): value is QueryLevel {
  return (QUERY_LEVELS as readonly string[]).includes(value);
}

/** The model of a Q/R SOP class UID, or undefined for another SOP class (or a model we do not serve). */
export function queryModelOf(sopClassUid: string): QueryModelName | undefined {
  const model = queryRetrieveSopClass(sopClassUid)?.model;
  return model === 'composite-instance-without-bulk-data' ? undefined : model;
}

/** Levels above `level` in `model`, top down (whose unique keys a hierarchical request carries). */
export function levelsAbove(model: QueryModelName, level: QueryLevel): QueryLevel[] {
  const levels = MODEL_LEVELS[model];
  return levels.slice(0, levels.indexOf(level));
}
