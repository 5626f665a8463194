// A C-FIND identifier → FindQuery (PS3.4 C.4.1.1.3, C.4.1.2.2, C.2.2.2), with the checks the
// standard asks of an SCP; a refused identifier is a QueryIdentifierError with its status.
import { formatTag, implicitVr, isVr, queryRetrieveSopClass, type DataElement, type DataSet } from '@pacs/dicom';
import { attributeLevel, type IndexLevel } from '../index-model';
import { parseMatcher } from './parse-matcher';
import type { DateTimeRangeCondition, FindQuery, KeyCondition, Matcher, QueryOptions, ReturnKey } from './query';
import { IDENTIFIER_DOES_NOT_MATCH_SOP_CLASS, QueryIdentifierError } from './query-errors';
import { computedKey, isControlKey, QueryTag } from './query-keys';
import { entityAvailableAt, isQueryLevel, levelsAbove, MODEL_LEVELS, queryModelOf, UNIQUE_KEY, type QueryLevel, type QueryModelName } from './query-model';
import { combineDateTimeRanges } from './combined-date-time';

/** The VR to read a key with: the element's own (explicit VR), else the dictionary's. */
function vrOf(element: DataElement): string {
  if (element.kind === 'sequence') return 'SQ';
  return isVr(element.vr) && element.vr !== 'UN' ? element.vr : implicitVr(element.tag);
}

/** Attributes an identifier may carry that describe no attribute: group lengths (gggg,0000). */
const isGroupLength = (tag: number): boolean => (tag & 0xffff) === 0;

/** The entity a key's value is kept with: the computed keys' own, else the attribute's level. */
export function keyEntity(tag: number): IndexLevel {
  return computedKey(tag)?.entity ?? attributeLevel(tag);
}

/** Matching the computed keys supports (C.6.1.1.3: Modalities in Study is matched as a list). */
function computedMatcherSupported(tag: number, matcher: Matcher): boolean {
  const key = computedKey(tag);
  if (!key) return true;
  if (key.keyword === 'ModalitiesInStudy') return ['single', 'list', 'wildcard'].includes(matcher.type);
  if (key.keyword === 'SOPClassesInStudy') return ['single', 'list'].includes(matcher.type);
  return matcher.type === 'single' && /^\s*\d+\s*$/.test(matcher.value);
}

function returnKeyOf(element: DataElement, vr: string): ReturnKey {
  if (element.kind !== 'sequence') return { tag: element.tag >>> 0, vr };
  const item = element.items[0]?.dataSet;
  if (!item || item.size === 0) return { tag: element.tag >>> 0, vr };
  return { tag: element.tag >>> 0, vr, item: [...item].map((e) => returnKeyOf(e, vrOf(e))) };
}

interface ConditionContext {
  options: QueryOptions;
  unsupported: number[];
}

function conditionOf(identifier: DataSet, element: DataElement, entity: IndexLevel, ctx: ConditionContext): KeyCondition | undefined {
  const tag = element.tag >>> 0;
  const vr = vrOf(element);
  const base = { tag, vr, entity, caseInsensitive: vr === 'PN' && ctx.options.caseInsensitivePn };
  if (element.kind === 'sequence') {
    // C.2.2.2.6: one item, whose keys are matched against the items of the stored sequence.
    if (element.items.length > 1) throw new QueryIdentifierError(IDENTIFIER_DOES_NOT_MATCH_SOP_CLASS, `sequence ${formatTag(tag)} in a query holds more than one item (C.2.2.2.6)`, [tag]);
    const item = element.items[0]?.dataSet;
    if (!item) return undefined;
    const keys: KeyCondition[] = [];
    const inner: number[] = [];
    for (const sub of item) {
      if (isGroupLength(sub.tag)) continue;
      const condition = conditionOf(item, sub, entity, { ...ctx, unsupported: inner });
      // Sequences nested in the item are matched by no one we know of: not supported.
      if (condition?.matcher.type === 'sequence') inner.push(sub.tag);
      else if (condition) keys.push(condition);
    }
    if (inner.length > 0) {
      ctx.unsupported.push(tag);
      return undefined;
    }
    return keys.length === 0 ? undefined : { ...base, matcher: { type: 'sequence', item: keys } };
  }
  if (element.kind !== 'value') return undefined;
  const value = identifier.getString(tag) ?? '';
  const matcher = parseMatcher(value, { tag, vr, caseInsensitivePn: ctx.options.caseInsensitivePn });
  if (matcher === undefined) return undefined;
  if (matcher === 'unsupported') {
    ctx.unsupported.push(tag);
    return undefined;
  }
  return { ...base, matcher };
}

/**
 * PS3.4 C.4.1.2.2.1: in a hierarchical query the unique keys of the levels above carry one
 * value each; relational queries (C.4.1.2.2.2) lift this when negotiated.
 */
function checkHierarchy(model: QueryModelName, level: QueryLevel, conditions: KeyCondition[], relational: boolean): void {
  for (const above of levelsAbove(model, level)) {
    const tag = UNIQUE_KEY[above];
    const condition = conditions.find((c) => c.tag === tag);
    if (condition?.matcher.type === 'single' || relational) continue;
    throw new QueryIdentifierError(
      IDENTIFIER_DOES_NOT_MATCH_SOP_CLASS,
      `${level} query needs one ${above} unique key ${formatTag(tag)} value (hierarchical; relational not negotiated)`,
      [tag],
    );
  }
}

/** Parses a C-FIND identifier of the model `sopClassUid` names. */
export function parseFindIdentifier(identifier: DataSet, sopClassUid: string, options: QueryOptions): FindQuery {
  const model = queryModelOf(sopClassUid);
  if (!model || model === 'composite-instance-root' || queryRetrieveSopClass(sopClassUid)?.operation !== 'find') {
    throw new QueryIdentifierError(IDENTIFIER_DOES_NOT_MATCH_SOP_CLASS, `${sopClassUid} is not a C-FIND information model`);
  }
  const levelValue = identifier.getString(QueryTag.QueryRetrieveLevel)?.trim() ?? '';
  if (!isQueryLevel(levelValue) || !MODEL_LEVELS[model].includes(levelValue)) {
    const why = levelValue === '' ? 'missing' : `${JSON.stringify(levelValue.slice(0, 16))} is not a level of ${model}`;
    throw new QueryIdentifierError(IDENTIFIER_DOES_NOT_MATCH_SOP_CLASS, `Query/Retrieve Level ${why}`, [QueryTag.QueryRetrieveLevel]);
  }
  const level: QueryLevel = levelValue;

  const conditions: KeyCondition[] = [];
  const returnKeys: ReturnKey[] = [];
  const unsupported: number[] = [];
  const ctx: ConditionContext = { options, unsupported };
  for (const element of identifier) {
    const tag = element.tag >>> 0;
    if (isGroupLength(tag) || tag >>> 16 <= 0x0002) continue;
    returnKeys.push(returnKeyOf(element, vrOf(element)));
    if (isControlKey(tag)) continue;
    const entity = keyEntity(tag);
    const condition = conditionOf(identifier, element, entity, ctx);
    if (!condition) continue;
    // Keys of a lower level, and computed keys matched in ways we do not support: not matched,
    // answered empty, announced with 0xFF01 (C.4.1.1.4).
    if (!entityAvailableAt(entity, level) || !computedMatcherSupported(tag, condition.matcher)) {
      unsupported.push(tag);
      continue;
    }
    conditions.push(condition);
  }
  checkHierarchy(model, level, conditions, options.relational);
  const { remaining, ranges } = options.combinedDateTime
    ? combineDateTimeRanges(conditions)
    : { remaining: conditions, ranges: [] as DateTimeRangeCondition[] };
  return {
    model,
    level,
    conditions: remaining,
    dateTimeRanges: ranges,
    returnKeys,
    unsupportedKeys: [...new Set(unsupported)],
    specificCharacterSet: identifier.specificCharacterSet(),
  };
}

