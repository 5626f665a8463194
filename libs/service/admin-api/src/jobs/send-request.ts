// The body of POST /api/jobs/send (Conquest dgate's "send study/series to AE"): checked field by
// field, so a bad request answers 400 naming the field.
import { isValidUid } from '@pacs/dicom';

export interface SendRequest {
  destination: string;
  studyInstanceUid: string;
  seriesInstanceUid?: string;
}

export class InvalidSendRequestError extends Error {
  override readonly name = 'InvalidSendRequestError';
  constructor(
    readonly field: string,
    reason: string,
  ) {
    super(`${field}: ${reason}`);
  }
}

const FIELDS = new Set(['destination', 'studyInstanceUid', 'seriesInstanceUid']);
/** PS3.5 §6.2 AE: 1-16 characters of the default repertoire without backslash and controls, not all spaces. */
const AE_TITLE = /^(?=.*[^ ])[\x20-\x5b\x5d-\x7e]{1,16}$/;

function uid(record: Record<string, unknown>, field: string): string {
  const v = record[field];
  if (typeof v !== 'string' || !isValidUid(v)) throw new InvalidSendRequestError(field, 'must be a valid UID (PS3.5 §9.1: digits and dots, at most 64 characters)');
  return v;
}

export function parseSendRequest(body: unknown): SendRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new InvalidSendRequestError('(body)', 'must be a JSON object');
  const record = body as Record<string, unknown>;
  for (const key of Object.keys(record)) if (!FIELDS.has(key)) throw new InvalidSendRequestError(key, 'unknown field');
  const destination = record['destination'];
  if (typeof destination !== 'string' || !AE_TITLE.test(destination)) throw new InvalidSendRequestError('destination', 'must be an AE title (1 to 16 characters, no backslash)');
  const request: SendRequest = { destination: destination.trim(), studyInstanceUid: uid(record, 'studyInstanceUid') };
  if (record['seriesInstanceUid'] !== undefined) request.seriesInstanceUid = uid(record, 'seriesInstanceUid');
  return request;
}
