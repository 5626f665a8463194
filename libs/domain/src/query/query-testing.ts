// Builders for the query unit tests: identifiers from keyword → value maps, stored entities
// from the same maps (as DICOM JSON, the way the index keeps them).
import { DataSet, implicitVr, QueryRetrieveModel, tagForKeyword, toDicomJson, vrInfo } from '@pacs/dicom';
import { attributeLevel, type IndexLevel } from '../index-model';
import { hasNonAscii } from './match';
import type { ComputedValues, QueryMatch, QueryOptions } from './query';

export const HIERARCHICAL: QueryOptions = { caseInsensitivePn: false, relational: false, combinedDateTime: false };
export const PATIENT_ROOT = QueryRetrieveModel.PatientRootFind;
export const STUDY_ROOT = QueryRetrieveModel.StudyRootFind;
export const PATIENT_STUDY_ONLY = QueryRetrieveModel.PatientStudyOnlyFind;

export function tagOf(keyword: string): number {
  const tag = tagForKeyword(keyword);
  if (tag === undefined) throw new Error(`unknown keyword ${keyword}`);
  return tag;
}

export type Keys = Record<string, string | DataSet[]>;

/** A data set from keyword → value (a string, or the items of a sequence); UTF-8 when needed. */
export function dataSet(keys: Keys): DataSet {
  const ds = new DataSet();
  const text = Object.values(keys).filter((v): v is string => typeof v === 'string');
  if (text.some(hasNonAscii) && !('SpecificCharacterSet' in keys)) ds.setStrings(0x00080005, 'ISO_IR 192', 'CS');
  for (const [keyword, value] of Object.entries(keys)) {
    const tag = tagOf(keyword);
    const vr = implicitVr(tag);
    if (typeof value === 'string') ds.setStrings(tag, vrInfo(vr).multiValued ? value.split('\\') : value, vr);
    else ds.setSequence(tag, value);
  }
  return ds;
}

/** A stored entity: every attribute kept at its index level, as the index model does. */
export function storedEntity(keys: Keys, computed: ComputedValues = {}): QueryMatch {
  const json = toDicomJson(dataSet(keys));
  const attributes: Partial<Record<IndexLevel, Record<string, unknown>>> = { patient: {}, study: {}, series: {}, instance: { ...json } };
  for (const [key, value] of Object.entries(json)) {
    const level = attributeLevel(parseInt(key, 16));
    if (level !== 'instance') (attributes[level] as Record<string, unknown>)[key] = value;
  }
  return { attributes, computed };
}
