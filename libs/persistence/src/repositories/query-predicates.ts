// One C-FIND key → one SQL boolean, matching exactly as @pacs/domain's matchesQuery() defines
// (PS3.4 C.2.2.2). Values travel as bind parameters only; DICOM wildcards become LIKE
// patterns with "%", "_" and "\" of the value escaped (ESCAPE '\').
import { jsonKey } from '@pacs/dicom';
import { computedKey, hasNonAscii, type DateTimeRangeCondition, type KeyCondition, type Matcher } from '@pacs/domain';
import { ALIAS, KEY_COLUMNS, type KeyColumn } from './query-columns';
import type { Params } from './sql-params';

const ESCAPE = `ESCAPE '\\'`;
const NUMERIC_VRS = new Set(['IS', 'DS', 'US', 'UL', 'SS', 'SL']);

/** A literal value inside a LIKE pattern. */
export function likeLiteral(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** A DICOM wildcard pattern (C.2.2.2.4) as a LIKE pattern. */
export function likePattern(pattern: string): string {
  let out = '';
  for (const ch of pattern) out += ch === '*' ? '%' : ch === '?' ? '_' : likeLiteral(ch);
  return out;
}

/** The comparable forms of stored DA, TM and DT text (domain date-time-range.ts), NULL when not valid. */
export const sqlDate = (x: string): string =>
  `(CASE WHEN ${x} ~ '^[0-9]{8}$' THEN ${x} WHEN ${x} ~ '^[0-9]{4}\\.[0-9]{2}\\.[0-9]{2}$' THEN replace(${x}, '.', '') END)`;
export const sqlTime = (x: string): string => {
  const y = `replace(${x}, ':', '')`;
  return `(CASE WHEN ${y} ~ '^[0-9]{2}([0-9]{2}([0-9]{2}(\\.[0-9]{1,6})?)?)?$' THEN rpad(split_part(${y}, '.', 1), 6, '0') || '.' || rpad(split_part(${y}, '.', 2), 6, '0') END)`;
};
export const sqlDateTime = (x: string): string =>
  `(CASE WHEN ${x} ~ '^[0-9]{4}([0-9]{2}([0-9]{2}([0-9]{2}([0-9]{2}([0-9]{2}(\\.[0-9]{1,6})?)?)?)?)?)?([+-][0-9]{4})?$' ` +
  `THEN rpad(substring(${x} from '^[0-9]+'), 14, '0') || '.' || rpad(coalesce(substring(${x} from '^[0-9]+\\.([0-9]+)'), ''), 6, '0') END)`;
const sqlNumber = (x: string): string => `(CASE WHEN ${x} ~ '^\\s*[-+]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][-+]?[0-9]+)?\\s*$' THEN ${x}::numeric END)`;

/** Where a key's stored text comes from. */
interface Source {
  /** A text expression, one stored value. */
  value: string;
  /** The column, when the key has one: numbers and dates are compared in their own form there. */
  column?: KeyColumn;
}

export class PredicateBuilder {
  private aliases = 0;
  constructor(private readonly p: Params) {}

  /** The SQL of one condition; `base` is the jsonb object holding the attribute (an item for sequence keys). */
  condition(c: KeyCondition, base?: string): string {
    if (base === undefined && computedKey(c.tag)) return this.computed(c);
    const column = base === undefined ? KEY_COLUMNS.get(c.tag) : undefined;
    if (column && column.sql.startsWith(`${ALIAS[c.entity]}.`)) return this.onColumn(c, column);
    return this.onJson(c, base ?? `${ALIAS[c.entity]}."attributes"`);
  }

  dateTimeRange(r: DateTimeRangeCondition): string {
    const date = KEY_COLUMNS.get(r.dateTag);
    const time = KEY_COLUMNS.get(r.timeTag);
    const attrs = `${ALIAS[r.entity]}."attributes"`;
    const first = (tag: number): string => `(${attrs}->${this.p.ref(jsonKey(tag), 'text')}->'Value'->>0)`;
    const d = date?.kind === 'date' && date.sql.startsWith(`${ALIAS[r.entity]}.`) ? date.sql : sqlDate(first(r.dateTag));
    const t = time?.kind === 'time' && time.sql.startsWith(`${ALIAS[r.entity]}.`) ? time.sql : first(r.timeTag);
    const value = `(${d} || coalesce(${sqlTime(t)}, '000000.000000'))`;
    return this.bounds(value, r.lower, r.upper);
  }

  private bounds(value: string, lower: string | undefined, upper: string | undefined): string {
    const parts: string[] = [];
    if (lower !== undefined) parts.push(`${value} >= ${this.p.ref(lower, 'text')}`);
    if (upper !== undefined) parts.push(`${value} <= ${this.p.ref(upper, 'text')}`);
    return parts.length === 0 ? `${value} IS NOT NULL` : `(${parts.join(' AND ')})`;
  }

  private onColumn(c: KeyCondition, column: KeyColumn): string {
    if (c.matcher.type === 'empty') return column.emptyAsBlank ? `(${column.sql} IS NULL OR ${column.sql} = '')` : `${column.sql} IS NULL`;
    if (column.kind === 'text-array') {
      const v = this.alias('v');
      return `EXISTS (SELECT 1 FROM unnest(${column.sql}) AS ${v}(x) WHERE ${v}.x <> '' AND ${this.value(c, { value: `${v}.x` })})`;
    }
    const notBlank = column.emptyAsBlank ? ` AND ${column.sql} <> ''` : '';
    return `(${this.value(c, { value: column.sql, column })}${notBlank})`;
  }

  private onJson(c: KeyCondition, base: string): string {
    const attribute = `${base}->${this.p.ref(jsonKey(c.tag), 'text')}`;
    const v = this.alias('v');
    const element = c.vr === 'PN'
      ? `rtrim(concat(${v}.j->>'Alphabetic', '=', ${v}.j->>'Ideographic', '=', ${v}.j->>'Phonetic'), '=')`
      : `(${v}.j #>> '{}')`;
    const values = `jsonb_array_elements(CASE WHEN jsonb_typeof(${attribute}->'Value') = 'array' THEN ${attribute}->'Value' ELSE '[]'::jsonb END) AS ${v}(j)`;
    const m = c.matcher;
    if (m.type === 'empty') {
      return `(coalesce(NOT (${attribute} ? 'OmittedLength'), true) AND NOT EXISTS (SELECT 1 FROM ${values} WHERE coalesce(${element}, '') <> ''))`;
    }
    if (m.type === 'sequence') {
      const item = this.alias('item');
      const conditions = m.item.map((k) => this.condition(k, `${item}.j`));
      return `EXISTS (SELECT 1 FROM jsonb_array_elements(CASE WHEN jsonb_typeof(${attribute}->'Value') = 'array' THEN ${attribute}->'Value' ELSE '[]'::jsonb END) AS ${item}(j) WHERE jsonb_typeof(${item}.j) = 'object' AND ${conditions.join(' AND ')})`;
    }
    return `EXISTS (SELECT 1 FROM ${values} WHERE ${element} <> '' AND ${this.value(c, { value: element })})`;
  }

  /** The matcher applied to one stored value. */
  private value(c: KeyCondition, source: Source): string {
    const m = c.matcher;
    const kind = source.column?.kind;
    const numeric = kind === 'integer' || kind === 'float' || NUMERIC_VRS.has(c.vr);
    switch (m.type) {
      case 'single':
      case 'list': {
        const values = m.type === 'single' ? [m.value] : m.values;
        if (numeric) {
          const numbers = values.map(Number).filter(Number.isFinite);
          if (numbers.length === 0) return 'false';
          const x = kind === 'integer' || kind === 'float' ? `${source.value}::numeric` : sqlNumber(source.value);
          return `${x} = ANY(${this.p.ref(numbers.map(String), 'numeric[]')})`;
        }
        if (c.vr === 'DA') {
          const x = kind === 'date' ? source.value : sqlDate(source.value);
          return `${x} = ANY(${this.p.ref(values, 'text[]')})`;
        }
        if (c.vr === 'PN') return `(${values.map((v) => this.personName(c, source, v, false)).join(' OR ')})`;
        return values.length === 1 ? `${source.value} = ${this.p.ref(values[0], 'text')}` : `${source.value} = ANY(${this.p.ref(values, 'text[]')})`;
      }
      case 'wildcard':
        if (c.vr === 'PN') return this.personName(c, source, m.pattern, true);
        return `${source.value} LIKE ${this.p.ref(likePattern(m.pattern), 'text')} ${ESCAPE}`;
      case 'range': {
        const x = c.vr === 'DA' ? (kind === 'date' ? source.value : sqlDate(source.value))
          : c.vr === 'TM' ? sqlTime(source.value)
          : c.vr === 'DT' ? sqlDateTime(source.value)
          : source.value;
        return this.bounds(x, m.lower, m.upper);
      }
      default:
        return 'false';
    }
  }

  /**
   * PN (domain match.ts): the whole value, or the query followed by "="; a non-ASCII query
   * may also equal a later component group.
   */
  private personName(c: KeyCondition, source: Source, query: string, wildcard: boolean): string {
    const x = c.caseInsensitive ? (source.column?.search ?? `upper(${source.value})`) : source.value;
    const body = wildcard ? likePattern(query) : likeLiteral(query);
    const whole = wildcard ? `${x} LIKE ${this.p.ref(body, 'text')} ${ESCAPE}` : `${x} = ${this.p.ref(query, 'text')}`;
    if (query.includes('=')) return whole;
    const like = (pattern: string): string => `${x} LIKE ${this.p.ref(pattern, 'text')} ${ESCAPE}`;
    const alternatives = [whole, like(`${body}=%`)];
    if (hasNonAscii(query)) alternatives.push(like(`%=${body}`), like(`%=${body}=%`));
    return `(${alternatives.join(' OR ')})`;
  }

  private computed(c: KeyCondition): string {
    const key = computedKey(c.tag);
    const m: Matcher = c.matcher;
    switch (key?.keyword) {
      case 'ModalitiesInStudy': {
        if (m.type === 'single') return `${this.p.ref(m.value, 'text')} = ANY(st."modalities_in_study")`;
        if (m.type === 'list') return `st."modalities_in_study" && ${this.p.ref(m.values, 'text[]')}`;
        if (m.type === 'empty') return `cardinality(st."modalities_in_study") = 0`;
        if (m.type === 'wildcard') {
          const v = this.alias('m');
          return `EXISTS (SELECT 1 FROM unnest(st."modalities_in_study") AS ${v}(x) WHERE ${v}.x LIKE ${this.p.ref(likePattern(m.pattern), 'text')} ${ESCAPE})`;
        }
        return 'false';
      }
      case 'SOPClassesInStudy': {
        const values = m.type === 'single' ? [m.value] : m.type === 'list' ? m.values : undefined;
        if (!values) return 'false';
        return `EXISTS (SELECT 1 FROM "series" cy JOIN "instance" cx ON cx."series_fk" = cy."id" WHERE cy."study_fk" = st."id" AND cx."sop_class_uid" = ANY(${this.p.ref(values, 'text[]')}))`;
      }
      default: {
        if (m.type !== 'single' || !key || !Number.isFinite(Number(m.value))) return 'false';
        return `${COMPUTED_SQL[key.keyword]} = ${this.p.ref(Number(m.value), 'integer')}`;
      }
    }
  }

  private alias(prefix: string): string {
    return `${prefix}${++this.aliases}`;
  }
}

/** The computed keys (PS3.4 C.6.1.1) from the index's counters. */
export const COMPUTED_SQL: Readonly<Record<string, string>> = {
  NumberOfPatientRelatedStudies: `p."number_of_studies"`,
  NumberOfPatientRelatedSeries: `(SELECT coalesce(sum(cs."number_of_series"), 0)::int FROM "study" cs WHERE cs."patient_fk" = p."id")`,
  NumberOfPatientRelatedInstances: `(SELECT coalesce(sum(cs."number_of_instances"), 0)::int FROM "study" cs WHERE cs."patient_fk" = p."id")`,
  NumberOfStudyRelatedSeries: `st."number_of_series"`,
  NumberOfStudyRelatedInstances: `st."number_of_instances"`,
  NumberOfSeriesRelatedInstances: `se."number_of_instances"`,
  ModalitiesInStudy: `st."modalities_in_study"`,
  SOPClassesInStudy: `ARRAY(SELECT DISTINCT cx."sop_class_uid" FROM "series" cy JOIN "instance" cx ON cx."series_fk" = cy."id" WHERE cy."study_fk" = st."id" ORDER BY 1)`,
};
