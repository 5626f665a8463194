// Which matching type of PS3.4 C.2.2.2 a key value asks for, by its VR and its characters.
import { vrInfo } from '@pacs/dicom';
import { isRange, isRangeVr, normaliseDate, rangeBounds } from './date-time-range';
import type { Matcher } from './query';
import { IDENTIFIER_DOES_NOT_MATCH_SOP_CLASS, QueryIdentifierError, UNABLE_TO_PROCESS } from './query-errors';

/** C.2.2.2.4: the VRs wildcard matching applies to; in other VRs "*" and "?" are ordinary characters. */
export const WILDCARD_VRS: ReadonlySet<string> = new Set(['AE', 'CS', 'LO', 'LT', 'PN', 'SH', 'ST', 'UC', 'UR', 'UT']);

/** VRs whose values we compare as text (numbers as written, e.g. IS/DS, compared numerically by the index). */
const TEXT_VRS: ReadonlySet<string> = new Set([...WILDCARD_VRS, 'AS', 'DA', 'DS', 'DT', 'IS', 'TM', 'UI']);

const hasWildcard = (s: string): boolean => s.includes('*') || s.includes('?');

export interface MatcherContext {
  tag: number;
  vr: string;
  caseInsensitivePn: boolean;
}

/** What a key value asks for: a matcher, universal matching (undefined), or 'unsupported'. */
export function parseMatcher(value: string, { tag, vr, caseInsensitivePn }: MatcherContext): Matcher | undefined | 'unsupported' {
  // C.2.2.2.3: zero length is universal matching; C.2.2.2.4: so is a lone "*".
  if (value === '' || value === '*') return undefined;
  // C.2.2.2.1.1: two quotation marks ask for entities whose attribute is empty.
  if (value === '""') return { type: 'empty' };
  if (!TEXT_VRS.has(vr)) return 'unsupported';
  const fold = (s: string): string => (vr === 'PN' && caseInsensitivePn ? s.toUpperCase() : s);

  if (vr === 'UI') {
    if (hasWildcard(value)) throw new QueryIdentifierError(IDENTIFIER_DOES_NOT_MATCH_SOP_CLASS, 'wildcards are not allowed in UID keys (C.2.2.2.4)', [tag]);
    const uids = value.split('\\').filter((u) => u !== '');
    if (uids.length === 0) return undefined;
    // C.2.2.2.2 List of UID Matching.
    return uids.length === 1 ? { type: 'single', value: uids[0] as string } : { type: 'list', values: uids };
  }

  if (isRangeVr(vr)) {
    const values = value.split('\\');
    if (values.length > 1) {
      if (vr !== 'DA' || values.some((v) => isRange(vr, v))) throw new QueryIdentifierError(UNABLE_TO_PROCESS, `multiple ${vr} values are matched only as a list of dates`, [tag]);
      return { type: 'list', values: values.map((v) => date(v, tag)) };
    }
    if (!isRange(vr, value)) {
      if (vr === 'DA') return { type: 'single', value: date(value, tag) };
      return { type: 'range', ...rangeBounds(vr, value, tag), singleValue: true };
    }
    return { type: 'range', ...rangeBounds(vr, value, tag) };
  }

  const multiValued = vrInfo(vr).multiValued;
  if (multiValued && value.includes('\\')) {
    const values = value.split('\\');
    if (values.some(hasWildcard)) throw new QueryIdentifierError(UNABLE_TO_PROCESS, 'wildcards are not supported in a list of values', [tag]);
    return { type: 'list', values: values.map(fold) };
  }
  if (WILDCARD_VRS.has(vr) && hasWildcard(value)) return { type: 'wildcard', pattern: fold(value) };
  return { type: 'single', value: fold(value) };
}

function date(value: string, tag: number): string {
  const d = normaliseDate(value);
  if (!d) throw new QueryIdentifierError(UNABLE_TO_PROCESS, `${JSON.stringify(value)} is not a DA value (YYYYMMDD)`, [tag]);
  return d;
}
