import { createHash } from 'node:crypto';
import { isValidUid } from '@pacs/dicom';

// Where an object is stored: a key template (Conquest's FileNameSyntax, modern form). Keys
// are built only from validated UIDs (PS3.5 §9.1: digits and dots), a hash shard and a
// unique upload id, so no path traversal is possible and keys are never overwritten: a
// second copy of an instance gets its own key and the duplicate policy decides later.

export const DEFAULT_KEY_TEMPLATE = '{studyShard}/{studyInstanceUid}/{seriesInstanceUid}/{sopInstanceUid}.{uploadId}.dcm';
const PLACEHOLDERS = ['studyShard', 'studyInstanceUid', 'seriesInstanceUid', 'sopInstanceUid', 'uploadId'] as const;
type Placeholder = (typeof PLACEHOLDERS)[number];

export class InvalidKeyTemplateError extends Error {
  override readonly name = 'InvalidKeyTemplateError';
}

/** Checks a template once at start: known placeholders only, and {sopInstanceUid} and {uploadId} present. */
export function validateKeyTemplate(template: string): void {
  for (const m of template.matchAll(/\{([^}]*)\}/g)) {
    if (!PLACEHOLDERS.includes(m[1] as Placeholder)) throw new InvalidKeyTemplateError(`unknown placeholder {${m[1]}}; known: ${PLACEHOLDERS.join(', ')}`);
  }
  for (const required of ['{sopInstanceUid}', '{uploadId}']) {
    if (!template.includes(required)) throw new InvalidKeyTemplateError(`template must contain ${required}`);
  }
}

export interface KeyInput {
  studyInstanceUid: string;
  seriesInstanceUid: string;
  sopInstanceUid: string;
  uploadId: string;
}

export function objectKey(template: string, input: KeyInput): string {
  for (const uid of [input.studyInstanceUid, input.seriesInstanceUid, input.sopInstanceUid]) {
    if (!isValidUid(uid)) throw new InvalidKeyTemplateError(`not a valid UID: ${JSON.stringify(uid)}`);
  }
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(input.uploadId)) throw new InvalidKeyTemplateError('invalid upload id');
  const values: Record<Placeholder, string> = { ...input, studyShard: studyShard(input.studyInstanceUid) };
  return template.replace(/\{([^}]*)\}/g, (_, name: Placeholder) => values[name]);
}

function studyShard(studyInstanceUid: string): string {
  const shard = createHash('sha1').update(studyInstanceUid).digest('hex');
  return `${shard.slice(0, 2)}/${shard.slice(2, 4)}`;
}

/**
 * The key prefix all objects of one study share, when the template starts with study-level
 * placeholders followed by a literal separator ("{studyShard}/{studyInstanceUid}/..." gives
 * "ab/cd/1.2.3/"); undefined when the study's objects are not under one prefix. Regen of one
 * study then lists only that prefix instead of the whole archive.
 */
export function studyKeyPrefix(template: string, studyInstanceUid: string): string | undefined {
  if (!isValidUid(studyInstanceUid)) throw new InvalidKeyTemplateError(`not a valid UID: ${JSON.stringify(studyInstanceUid)}`);
  const first = template.search(/\{(?!studyShard\}|studyInstanceUid\})/);
  const head = first < 0 ? template : template.slice(0, first);
  const uidAt = head.lastIndexOf('{studyInstanceUid}');
  if (uidAt < 0) return undefined;
  // The UID must end at a separator, or "1.2.3" would also be the prefix of study "1.2.34".
  const afterUid = head.slice(uidAt + '{studyInstanceUid}'.length);
  const separator = /^[^{}0-9.]/.exec(afterUid);
  if (!separator) return undefined;
  const prefix = head.slice(0, uidAt + '{studyInstanceUid}'.length) + separator[0];
  return prefix.replace(/\{(studyShard|studyInstanceUid)\}/g, (_, name: string) => (name === 'studyShard' ? studyShard(studyInstanceUid) : studyInstanceUid));
}
