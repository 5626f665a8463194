// The matching rules of PS3.4 C.2.2.2 applied to stored attributes (DICOM JSON) in memory: the
// reference the SQL adapter is tested against, and the definition of what each matcher means.
//
// Multi-valued stored attributes match when any value does. PN values match a query value
// that equals the whole value or its alphabetic group ("Yamada^Tarou" matches
// "Yamada^Tarou=山田^太郎"); a query value outside ASCII may equal any component group.
import { jsonKey } from '@pacs/dicom';
import type { IndexLevel } from '../index-model';
import { comparableDateTime, comparableTime, normaliseDate } from './date-time-range';
import type { ComputedValues, DateTimeRangeCondition, FindQuery, KeyCondition, QueryMatch } from './query';
import { computedKey, type ComputedKey } from './query-keys';

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNumericVr = (vr: string): boolean => vr === 'IS' || vr === 'DS' || vr === 'US' || vr === 'UL' || vr === 'SS' || vr === 'SL';
export function hasNonAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return true;
  return false;
}

/** The values of a stored DICOM JSON attribute as text; undefined when its value was not kept. */
export function storedStrings(attribute: unknown): string[] | undefined {
  if (!isObject(attribute)) return [];
  if ('OmittedLength' in attribute) return undefined;
  const values = attribute['Value'];
  if (!Array.isArray(values)) return [];
  return values.map((v: unknown) => {
    if (v === null || v === undefined) return '';
    if (typeof v === 'string') return v;
    if (typeof v === 'number') return String(v);
    if (isObject(v)) {
      const g = (k: string): string => (typeof v[k] === 'string' ? (v[k] as string) : '');
      return [g('Alphabetic'), g('Ideographic'), g('Phonetic')].join('=').replace(/=+$/, '');
    }
    return '';
  });
}

/** DICOM wildcard pattern (C.2.2.2.4) as a regular expression on the whole value. */
export function wildcardRegExp(pattern: string): RegExp {
  let body = '';
  for (const ch of pattern) body += ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^${body}$`, 'su');
}

/** PN: the whole value, or `pattern` followed by "=", or (non-ASCII query) any group. */
function personNameMatches(stored: string, test: (s: string) => boolean, query: string, wildcard: boolean): boolean {
  if (test(stored)) return true;
  if (query.includes('=')) return false;
  const groups = stored.split('=');
  if (wildcard) {
    const prefix = wildcardRegExp(`${query}=*`);
    if (prefix.test(stored)) return true;
    return hasNonAscii(query) && (wildcardRegExp(`*=${query}`).test(stored) || wildcardRegExp(`*=${query}=*`).test(stored));
  }
  if (groups[0] === query && groups.length > 1) return true;
  return hasNonAscii(query) && groups.slice(1).includes(query);
}

function comparable(vr: string, value: string): string | undefined {
  if (vr === 'DA') return normaliseDate(value);
  if (vr === 'TM') return /^[\d:.]+$/.test(value) ? comparableTime(value) : undefined;
  if (vr === 'DT') return /^\d/.test(value) ? comparableDateTime(value) : undefined;
  return value;
}

function valueMatches(condition: KeyCondition, stored: string): boolean {
  const { matcher, vr } = condition;
  const s = condition.caseInsensitive ? stored.toUpperCase() : stored;
  switch (matcher.type) {
    case 'single':
      if (isNumericVr(vr)) return s.trim() !== '' && Number(s) === Number(matcher.value);
      if (vr === 'DA') return normaliseDate(s) === matcher.value;
      if (vr === 'PN') return personNameMatches(s, (x) => x === matcher.value, matcher.value, false);
      return s === matcher.value;
    case 'wildcard': {
      const re = wildcardRegExp(matcher.pattern);
      if (vr === 'PN') return personNameMatches(s, (x) => re.test(x), matcher.pattern, true);
      return re.test(s);
    }
    case 'list':
      return matcher.values.some((v) => valueMatches({ ...condition, matcher: { type: 'single', value: v } }, stored));
    case 'range': {
      const c = comparable(vr, s);
      return c !== undefined && (matcher.lower === undefined || c >= matcher.lower) && (matcher.upper === undefined || c <= matcher.upper);
    }
    default:
      return false;
  }
}

function attributeMatches(condition: KeyCondition, attribute: unknown): boolean {
  const { matcher } = condition;
  if (matcher.type === 'sequence') {
    const items = isObject(attribute) && Array.isArray(attribute['Value']) ? (attribute['Value'] as unknown[]) : [];
    return items.some((item) => isObject(item) && matcher.item.every((k) => attributeMatches(k, item[jsonKey(k.tag)])));
  }
  const values = storedStrings(attribute);
  if (values === undefined) return false;
  if (matcher.type === 'empty') return values.every((v) => v === '');
  return values.some((v) => v !== '' && valueMatches(condition, v));
}

/** Which computed value answers each computed key (PS3.4 C.6.1.1); the SQL side reads the same table. */
export const COMPUTED_FIELD: Readonly<Record<ComputedKey, keyof ComputedValues>> = {
  NumberOfPatientRelatedStudies: 'numberOfPatientRelatedStudies',
  NumberOfPatientRelatedSeries: 'numberOfPatientRelatedSeries',
  NumberOfPatientRelatedInstances: 'numberOfPatientRelatedInstances',
  NumberOfStudyRelatedSeries: 'numberOfStudyRelatedSeries',
  NumberOfStudyRelatedInstances: 'numberOfStudyRelatedInstances',
  NumberOfSeriesRelatedInstances: 'numberOfSeriesRelatedInstances',
  ModalitiesInStudy: 'modalitiesInStudy',
  SOPClassesInStudy: 'sopClassesInStudy',
};

/** The computed value of `tag` for a match, as the strings it is returned as. */
export function computedStrings(tag: number, computed: ComputedValues): string[] | undefined {
  const key = computedKey(tag);
  if (!key) return undefined;
  const value = computed[COMPUTED_FIELD[key.keyword]];
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value : [String(value)];
}

function levelAttributes(match: QueryMatch, entity: IndexLevel): Json {
  return (match.attributes[entity] ?? {}) as Json;
}

export function conditionMatches(condition: KeyCondition, match: QueryMatch): boolean {
  const computed = computedStrings(condition.tag, match.computed);
  if (computed !== undefined) {
    if (condition.matcher.type === 'empty') return computed.length === 0;
    return computed.some((v) => valueMatches(condition, v));
  }
  return attributeMatches(condition, levelAttributes(match, condition.entity)[jsonKey(condition.tag)]);
}

export function dateTimeRangeMatches(range: DateTimeRangeCondition, match: QueryMatch): boolean {
  const attrs = levelAttributes(match, range.entity);
  const date = normaliseDate(storedStrings(attrs[jsonKey(range.dateTag)])?.[0] ?? '');
  if (date === undefined) return false;
  const time = storedStrings(attrs[jsonKey(range.timeTag)])?.[0] ?? '';
  const value = date + comparableTime(/^[\d:.]*$/.test(time) ? time : '');
  return (range.lower === undefined || value >= range.lower) && (range.upper === undefined || value <= range.upper);
}

/** Whether a stored entity satisfies every condition of the query. */
export function matchesQuery(query: FindQuery, match: QueryMatch): boolean {
  return query.conditions.every((c) => conditionMatches(c, match)) && query.dateTimeRanges.every((r) => dateTimeRangeMatches(r, match));
}
