// QIDO-RS request → C-FIND identifier (PS3.18 §8.3.4, Table 8.3.4-1): attribute matching by
// keyword or tag, includefield (a list, or "all"), fuzzymatching, limit/offset. The identifier
// is then answered exactly as a C-FIND of the Study Root model (parseFindIdentifier, the index's
// query repository and assembleResponse), so QIDO and C-FIND always agree.
import { DataSet, QueryRetrieveModel, lookupTag, tagForKeyword } from '@pacs/dicom';

export type QidoLevel = 'STUDY' | 'SERIES' | 'IMAGE';

export class QidoRequestError extends Error {
  override readonly name = 'QidoRequestError';
}

/** PS3.18 Table 10.6.3-3..5: attributes every QIDO-RS answer carries at each level. */
const STUDY_DEFAULTS = [
  'StudyDate', 'StudyTime', 'AccessionNumber', 'ModalitiesInStudy', 'ReferringPhysicianName', 'PatientName', 'PatientID', 'PatientBirthDate',
  'PatientSex', 'StudyInstanceUID', 'StudyID', 'NumberOfStudyRelatedSeries', 'NumberOfStudyRelatedInstances', 'StudyDescription',
];
const SERIES_DEFAULTS = ['Modality', 'SeriesDescription', 'SeriesInstanceUID', 'SeriesNumber', 'NumberOfSeriesRelatedInstances', 'PerformedProcedureStepStartDate', 'PerformedProcedureStepStartTime'];
const INSTANCE_DEFAULTS = ['SOPClassUID', 'SOPInstanceUID', 'InstanceNumber', 'Rows', 'Columns', 'BitsAllocated', 'NumberOfFrames'];

const CONTROL = new Set(['limit', 'offset', 'includefield', 'fuzzymatching']);
const NUMERIC_VRS = new Set(['US', 'SS', 'UL', 'SL', 'FL', 'FD', 'UV', 'SV']);

export interface QidoQuery {
  level: QidoLevel;
  identifier: DataSet;
  sopClassUid: string;
  limit: number;
  offset: number;
  includeAll: boolean;
  fuzzy: boolean;
}

/** A tag from a keyword ("PatientName") or hex ("00100010"); nested paths are not supported. */
export function attributeTag(name: string): number {
  if (/^[0-9A-Fa-f]{8}$/.test(name)) return parseInt(name, 16) >>> 0;
  const tag = tagForKeyword(name);
  if (tag === undefined) throw new QidoRequestError(`${JSON.stringify(name.slice(0, 64))} is neither an attribute keyword nor a tag (ggggeeee)`);
  return tag;
}

function vrOf(tag: number): string {
  const vr = lookupTag(tag)?.vr ?? 'UN';
  return vr.split('|')[0] || 'UN';
}

function values(query: Record<string, unknown>, name: string): string[] {
  const v = query[name];
  if (v === undefined) return [];
  const list = Array.isArray(v) ? v : [v];
  if (!list.every((x) => typeof x === 'string')) throw new QidoRequestError(`${name}: text values only`);
  return list as string[];
}

function int(query: Record<string, unknown>, name: string, fallback: number, max: number): number {
  const [v, ...more] = values(query, name);
  if (v === undefined) return fallback;
  if (more.length > 0 || !/^\d{1,9}$/.test(v) || Number(v) > max) throw new QidoRequestError(`${name} must be an integer from 0 to ${max}`);
  return Number(v);
}

/**
 * Builds the identifier: Query/Retrieve Level, the UIDs from the path, every matching key, the
 * default return keys of the level (and of the levels above for cross-study queries) and the
 * includefield keys.
 */
export function qidoQuery(level: QidoLevel, path: { study?: string; series?: string }, query: Record<string, unknown>, maxLimit: number): QidoQuery {
  const ds = new DataSet();
  // Query values are Unicode from the URL: UTF-8 (PS3.18 §8.3.4.1 "the query is in UTF-8").
  ds.setStrings(0x00080005, 'ISO_IR 192');
  ds.setStrings(0x00080052, level);
  const returnKeys = new Set<number>();
  const defaults = level === 'STUDY' ? STUDY_DEFAULTS : level === 'SERIES' ? [...STUDY_DEFAULTS, ...SERIES_DEFAULTS] : [...STUDY_DEFAULTS, ...SERIES_DEFAULTS, ...INSTANCE_DEFAULTS];
  for (const k of defaults) returnKeys.add(tagForKeyword(k) as number);
  let includeAll = false;
  for (const field of values(query, 'includefield').flatMap((v) => v.split(','))) {
    if (field === 'all') includeAll = true;
    else if (field !== '') returnKeys.add(attributeTag(field));
  }
  const fuzzy = (() => {
    const [v] = values(query, 'fuzzymatching');
    if (v === undefined || v === 'false') return false;
    if (v === 'true') return true;
    throw new QidoRequestError('fuzzymatching must be true or false');
  })();
  const matching = new Map<number, string>();
  for (const [name, raw] of Object.entries(query)) {
    if (CONTROL.has(name)) continue;
    const list = values(query, name);
    if (list.length > 1) throw new QidoRequestError(`${name} given more than once`);
    const tag = attributeTag(name);
    matching.set(tag, list[0] ?? String(raw));
  }
  if (path.study) matching.set(0x0020000d, path.study);
  if (path.series) matching.set(0x0020000e, path.series);
  for (const tag of returnKeys) if (!matching.has(tag)) setEmpty(ds, tag);
  for (const [tag, value] of matching) {
    const vr = vrOf(tag);
    if (vr === 'SQ' || NUMERIC_VRS.has(vr) || vr.startsWith('O') || vr === 'UN') throw new QidoRequestError(`matching on ${tag.toString(16).padStart(8, '0')} (${vr}) is not supported`);
    try {
      ds.setStrings(tag, value, vr as never);
    } catch (err) {
      throw new QidoRequestError(`value of ${tag.toString(16).padStart(8, '0')}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return {
    level,
    identifier: ds,
    sopClassUid: QueryRetrieveModel.StudyRootFind,
    limit: int(query, 'limit', maxLimit, maxLimit),
    offset: int(query, 'offset', 0, 1_000_000_000),
    includeAll,
    fuzzy,
  };
}

function setEmpty(ds: DataSet, tag: number): void {
  const vr = vrOf(tag);
  if (vr === 'SQ') ds.setSequence(tag, []);
  else ds.setBytes(tag, vr, Buffer.alloc(0));
}
