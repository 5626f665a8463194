// The one SQL statement of a C-FIND and of a retrieve resolution. A find selects, per match,
// the requested attributes of its level and the levels above (jsonb subsets) and the computed
// keys asked for; the matches are limited to maxMatches + 1 and each row carries their count,
// so "too many" is known before the first match is sent.
import { jsonKey } from '@pacs/dicom';
import {
  COMPUTED_KEYS, entitiesAt, entityAvailableAt, isControlKey, keyEntity,
  type ComputedKey, type FindQuery, type IndexLevel, type QueryLevel, type RetrieveQuery,
} from '@pacs/domain';
import { ALIAS } from './query-columns';
import { COMPUTED_SQL, PredicateBuilder } from './query-predicates';
import { Params } from './sql-params';

/** Order of study-level answers (Conquest's query sort order). */
export type StudySortOrder = 'study-date-desc' | 'study-date-asc' | 'patient-name' | 'accession-number' | 'received';
export const STUDY_SORT_ORDERS: readonly StudySortOrder[] = ['study-date-desc', 'study-date-asc', 'patient-name', 'accession-number', 'received'];

export interface FindSqlOptions {
  maxMatches: number;
  studySortOrder: StudySortOrder;
}

export interface Statement {
  text: string;
  values: unknown[];
}

export interface FindStatement extends Statement {
  /** Entities whose attribute subsets the rows carry (columns named after them). */
  entities: IndexLevel[];
  /** Computed keys the rows carry (columns "c_<keyword>"). */
  computed: ComputedKey[];
}

const TABLE: Readonly<Record<IndexLevel, string>> = { patient: 'patient', study: 'study', series: 'series', instance: 'instance' };
const PARENT: Readonly<Record<Exclude<IndexLevel, 'patient'>, [IndexLevel, string]>> = {
  study: ['patient', 'patient_fk'],
  series: ['study', 'study_fk'],
  instance: ['series', 'series_fk'],
};

/** FROM clause: the level's table joined up to the patient. */
function fromClause(level: QueryLevel): string {
  const entities = entitiesAt(level).reverse();
  const [first, ...rest] = entities as [IndexLevel, ...IndexLevel[]];
  let from = `"${TABLE[first]}" ${ALIAS[first]}`;
  let child = first;
  for (const entity of rest) {
    const [, fk] = PARENT[child as Exclude<IndexLevel, 'patient'>];
    from += ` JOIN "${TABLE[entity]}" ${ALIAS[entity]} ON ${ALIAS[entity]}."id" = ${ALIAS[child]}."${fk}"`;
    child = entity;
  }
  return from;
}

type SortKey = readonly [column: string, direction: 'ASC' | 'DESC'];

function sortKeys(level: QueryLevel, sort: StudySortOrder): SortKey[] {
  switch (level) {
    case 'PATIENT':
      return [['p."patient_name"', 'ASC'], ['p."patient_id"', 'ASC'], ['p."id"', 'ASC']];
    case 'SERIES':
      return [['se."series_number"', 'ASC'], ['se."id"', 'ASC']];
    case 'IMAGE':
      return [['i."instance_number"', 'ASC'], ['i."id"', 'ASC']];
    case 'STUDY':
      switch (sort) {
        case 'study-date-desc':
          return [['st."study_date"', 'DESC'], ['st."study_time"', 'DESC'], ['st."id"', 'DESC']];
        case 'study-date-asc':
          return [['st."study_date"', 'ASC'], ['st."study_time"', 'ASC'], ['st."id"', 'ASC']];
        case 'patient-name':
          return [['p."patient_name"', 'ASC'], ['st."study_date"', 'DESC'], ['st."id"', 'DESC']];
        case 'accession-number':
          return [['st."accession_number"', 'ASC'], ['st."id"', 'ASC']];
        case 'received':
          return [['st."id"', 'DESC']];
      }
  }
}

const orderBy = (keys: readonly SortKey[], name: (column: string, i: number) => string): string =>
  keys.map(([column, direction], i) => `${name(column, i)} ${direction} NULLS LAST`).join(', ');

/** The stored attributes (by DICOM JSON key) each entity must deliver for the return keys. */
function attributeKeys(query: FindQuery): Map<IndexLevel, string[]> {
  const keys = new Map<IndexLevel, string[]>();
  for (const { tag } of query.returnKeys) {
    if (isControlKey(tag) || COMPUTED_KEYS.some((k) => k.tag === tag)) continue;
    const entity = keyEntity(tag);
    if (!entityAvailableAt(entity, query.level)) continue;
    keys.set(entity, [...(keys.get(entity) ?? []), jsonKey(tag)]);
  }
  return keys;
}

export function buildFindSql(query: FindQuery, options: FindSqlOptions): FindStatement {
  const p = new Params();
  const predicates = new PredicateBuilder(p);
  const select: string[] = [];
  const entities: IndexLevel[] = [];
  for (const [entity, keys] of attributeKeys(query)) {
    entities.push(entity);
    select.push(
      `(SELECT jsonb_object_agg(a.key, a.value) FROM jsonb_each(${ALIAS[entity]}."attributes") a WHERE a.key = ANY(${p.ref(keys, 'text[]')})) AS "${entity}"`,
    );
  }
  const computed = COMPUTED_KEYS.filter((k) => entityAvailableAt(k.entity, query.level) && query.returnKeys.some((r) => r.tag === k.tag)).map((k) => k.keyword);
  for (const keyword of computed) select.push(`${COMPUTED_SQL[keyword]} AS "c_${keyword}"`);

  const where = [...query.conditions.map((c) => predicates.condition(c)), ...query.dateTimeRanges.map((r) => predicates.dateTimeRange(r))];
  // A patient whose studies were all deleted is no longer a match.
  if (query.level === 'PATIENT') where.push(`p."number_of_studies" > 0`);
  // The inner ORDER BY … LIMIT is a bounded (top-N) sort, and the attribute subsets are only
  // computed for the rows it keeps; the outer query adds the count and keeps the order.
  const keys = sortKeys(query.level, options.studySortOrder);
  keys.forEach(([column], i) => select.push(`${column} AS "__s${i}"`));
  const text =
    `SELECT m.*, count(*) OVER () AS "__total" FROM (` +
    `SELECT ${select.join(', ')} FROM ${fromClause(query.level)}` +
    `${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''}` +
    ` ORDER BY ${orderBy(keys, (column) => column)} LIMIT ${p.ref(options.maxMatches + 1, 'integer')}` +
    `) m ORDER BY ${orderBy(keys, (_, i) => `m."__s${i}"`)}`;
  return { text, values: p.values, entities, computed };
}

/** The instances a C-MOVE/C-GET names, each with one usable location (the preferred tier first). */
export function buildRetrieveSql(query: RetrieveQuery, preferredTier: string): Statement {
  const p = new Params();
  const where: string[] = [];
  if (query.patientId !== undefined) where.push(`p."patient_id" = ${p.ref(query.patientId, 'text')}`);
  if (query.issuerOfPatientId !== undefined) where.push(`p."issuer" = ${p.ref(query.issuerOfPatientId, 'text')}`);
  if (query.studyInstanceUids) where.push(`st."study_instance_uid" = ANY(${p.ref(query.studyInstanceUids, 'text[]')})`);
  if (query.seriesInstanceUids) where.push(`se."series_instance_uid" = ANY(${p.ref(query.seriesInstanceUids, 'text[]')})`);
  if (query.sopInstanceUids) where.push(`i."sop_instance_uid" = ANY(${p.ref(query.sopInstanceUids, 'text[]')})`);
  if (where.length === 0) where.push('false');
  const text =
    `SELECT i."sop_instance_uid" AS "sopInstanceUid", i."sop_class_uid" AS "sopClassUid", i."transfer_syntax_uid" AS "transferSyntaxUid", ` +
    `l."tier" AS "tier", l."storage_key" AS "storageKey", coalesce(l."size", i."size")::text AS "size" ` +
    `FROM ${fromClause('IMAGE')} ` +
    `LEFT JOIN LATERAL (SELECT ol."tier", ol."storage_key", ol."size" FROM "object_location" ol WHERE ol."instance_fk" = i."id" AND ol."status" = 'ok' ` +
    `ORDER BY (ol."tier" = ${p.ref(preferredTier, 'text')}) DESC, ol."id" ASC LIMIT 1) l ON true ` +
    `WHERE ${where.join(' AND ')} ` +
    `ORDER BY st."id", se."series_number" ASC NULLS LAST, se."id", i."instance_number" ASC NULLS LAST, i."id"`;
  return { text, values: p.values };
}
