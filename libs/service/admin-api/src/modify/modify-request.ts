// Bodies of POST /api/studies/:uid/{anonymize,modify,merge} (Conquest dgate's anonymize, modify
// and merge), checked field by field so a bad request answers 400 naming the field.
import { isValidUid, tagForKeyword } from '@pacs/dicom';
import { BASIC_PROFILE, InvalidAttributeChangeError, UID_REPLACED_TAGS, parseAttributeChanges, type AttributeChange } from '@pacs/domain';

export class InvalidModifyRequestError extends Error {
  override readonly name = 'InvalidModifyRequestError';
  constructor(
    readonly field: string,
    reason: string,
  ) {
    super(`${field}: ${reason}`);
  }
}

export interface AnonymizeRequest {
  profile: 'basic';
  /** New Patient's Name; absent: "ANONYMOUS". */
  patientName?: string;
  /** New Patient ID; absent: a pseudonym derived from the original one by a keyed hash. */
  patientId?: string;
  /** Attributes of Table E.1-1 kept as they are (action K). */
  keep: number[];
  deleteOriginal: boolean;
}

export interface ModifyRequest {
  changes: AttributeChange[];
  newUids: boolean;
}

export interface MergeRequest {
  into: string;
}

function object(body: unknown, fields: readonly string[]): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new InvalidModifyRequestError('(body)', 'must be a JSON object');
  const record = body as Record<string, unknown>;
  for (const key of Object.keys(record)) if (!fields.includes(key)) throw new InvalidModifyRequestError(key, `unknown field; expected ${fields.join(', ')}`);
  return record;
}

function bool(record: Record<string, unknown>, field: string): boolean {
  const v = record[field];
  if (v === undefined) return false;
  if (typeof v !== 'boolean') throw new InvalidModifyRequestError(field, 'must be true or false');
  return v;
}

/**
 * A pseudonym is written as is into every instance: text of the default repertoire (PS3.5
 * §6.1.2.1), valid in every Specific Character Set, one value, within the VR's length.
 */
function pseudonym(record: Record<string, unknown>, field: string, max: number): string | undefined {
  const v = record[field];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v.trim() === '') throw new InvalidModifyRequestError(field, 'must be a non-empty string');
  if (v.length > max) throw new InvalidModifyRequestError(field, `longer than ${max} characters`);
  if (!/^[\x20-\x5b\x5d-\x7e]+$/.test(v)) throw new InvalidModifyRequestError(field, 'must be printable ASCII without backslash (PS3.5 §6.1.2.1 default repertoire)');
  return v;
}

const ANONYMIZE_FIELDS = ['profile', 'patientName', 'patientId', 'keep', 'deleteOriginal'] as const;
/** Identity the request sets itself, and the UIDs the profile must replace, cannot be kept. */
const NOT_KEPT = new Set(['PatientName', 'PatientID']);

export function parseAnonymizeRequest(body: unknown): AnonymizeRequest {
  const record = object(body ?? {}, ANONYMIZE_FIELDS);
  const profile = record['profile'] ?? 'basic';
  if (profile !== 'basic') throw new InvalidModifyRequestError('profile', 'only "basic" (PS3.15 E.1 Basic Application Level Confidentiality Profile) is supported');
  const keep = record['keep'] ?? [];
  if (!Array.isArray(keep)) throw new InvalidModifyRequestError('keep', 'must be an array of attribute keywords');
  const keepTags = keep.map((keyword: unknown, i) => {
    const field = `keep[${i}]`;
    if (typeof keyword !== 'string') throw new InvalidModifyRequestError(field, 'must be an attribute keyword');
    const tag = tagForKeyword(keyword);
    if (tag === undefined || !Object.hasOwn(BASIC_PROFILE, keyword)) throw new InvalidModifyRequestError(field, `${JSON.stringify(keyword)} is not an attribute of PS3.15 Table E.1-1`);
    if (NOT_KEPT.has(keyword)) throw new InvalidModifyRequestError(field, `${keyword} cannot be kept; give ${keyword === 'PatientName' ? 'patientName' : 'patientId'} instead`);
    if (UID_REPLACED_TAGS.has(tag)) throw new InvalidModifyRequestError(field, `${keyword} is a UID the profile must replace (PS3.15 E.1-1 action U)`);
    return tag;
  });
  const request: AnonymizeRequest = { profile: 'basic', keep: keepTags, deleteOriginal: bool(record, 'deleteOriginal') };
  const patientName = pseudonym(record, 'patientName', 64);
  const patientId = pseudonym(record, 'patientId', 64);
  if (patientName !== undefined) request.patientName = patientName;
  if (patientId !== undefined) request.patientId = patientId;
  return request;
}

export function parseModifyRequest(body: unknown): ModifyRequest {
  const record = object(body, ['set', 'newUids']);
  if (record['set'] === undefined) throw new InvalidModifyRequestError('set', 'required: an object of attribute keyword → new value');
  try {
    return { changes: parseAttributeChanges(record['set'], 'set'), newUids: bool(record, 'newUids') };
  } catch (err) {
    if (err instanceof InvalidAttributeChangeError) throw new InvalidModifyRequestError(err.field, err.message.slice(err.field.length + 2));
    throw err;
  }
}

export function parseMergeRequest(body: unknown): MergeRequest {
  const record = object(body, ['into']);
  const into = record['into'];
  if (typeof into !== 'string' || !isValidUid(into)) throw new InvalidModifyRequestError('into', 'must be the Study Instance UID of the target study (PS3.5 §9.1)');
  return { into };
}
