// The identifier of a C-FIND pending response (PS3.4 C.4.1.1.3.2): every requested key, with
// the stored value of the matching entity or zero length when the archive holds none, the
// computed keys counted by the index, Query/Retrieve Level and Retrieve AE Title. Text is
// Unicode; (0008,0005) becomes "ISO_IR 192" when any returned value is outside ASCII.
import { fromDicomJson, jsonKey, type DataSet, type DicomJson, type DicomJsonAttribute } from '@pacs/dicom';
import { computedStrings, storedStrings } from './match';
import { keyEntity } from './parse-find';
import type { FindQuery, QueryMatch, ReturnKey } from './query';
import { computedKey, QueryTag } from './query-keys';
import { entityAvailableAt } from './query-model';

export interface ResponseContext {
  /** Our AE title, answered in Retrieve AE Title (0008,0054). */
  retrieveAeTitle: string;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A stored attribute as returned: as kept, or empty when its value was not kept (too long). */
function storedAttribute(key: ReturnKey, stored: unknown): DicomJsonAttribute {
  if (!isObject(stored) || typeof stored['vr'] !== 'string' || storedStrings(stored) === undefined) return { vr: key.vr };
  const attribute = stored as unknown as DicomJsonAttribute;
  if (attribute.vr !== 'SQ' || !key.item || !attribute.Value) return attribute;
  // Sequence items carry the requested item keys only (C.4.1.1.3.2), empty where not stored.
  const items = attribute.Value.filter(isObject).map((item) => {
    const out: DicomJson = {};
    for (const sub of key.item ?? []) out[jsonKey(sub.tag)] = storedAttribute(sub, item[jsonKey(sub.tag)]);
    return out;
  });
  return items.length === 0 ? { vr: 'SQ' } : { vr: 'SQ', Value: items };
}

function computedAttribute(key: ReturnKey, match: QueryMatch): DicomJsonAttribute | undefined {
  const info = computedKey(key.tag);
  if (!info) return undefined;
  const values = computedStrings(key.tag, match.computed);
  if (!values || values.length === 0) return { vr: info.vr };
  return info.vr === 'IS' ? { vr: 'IS', Value: values.map(Number) } : { vr: info.vr, Value: values };
}

function answer(key: ReturnKey, query: FindQuery, match: QueryMatch, ctx: ResponseContext): DicomJsonAttribute {
  switch (key.tag) {
    case QueryTag.QueryRetrieveLevel:
      return { vr: 'CS', Value: [query.level] };
    case QueryTag.RetrieveAETitle:
      return { vr: 'AE', Value: [ctx.retrieveAeTitle] };
    case QueryTag.InstanceAvailability:
      return { vr: 'CS', Value: ['ONLINE'] };
    case QueryTag.SpecificCharacterSet:
      return query.specificCharacterSet.length === 0 ? { vr: 'CS' } : { vr: 'CS', Value: [...query.specificCharacterSet] };
  }
  const entity = keyEntity(key.tag);
  if (!entityAvailableAt(entity, query.level)) return { vr: key.vr };
  const computed = computedAttribute(key, match);
  if (computed) return computed;
  return storedAttribute(key, match.attributes[entity]?.[jsonKey(key.tag)]);
}

export function assembleResponse(query: FindQuery, match: QueryMatch, ctx: ResponseContext): DataSet {
  const json: DicomJson = {};
  for (const key of query.returnKeys) json[jsonKey(key.tag)] = answer(key, query, match, ctx);
  json[jsonKey(QueryTag.QueryRetrieveLevel)] = { vr: 'CS', Value: [query.level] };
  json[jsonKey(QueryTag.RetrieveAETitle)] = { vr: 'AE', Value: [ctx.retrieveAeTitle] };
  return fromDicomJson(json);
}
