// PS3.5 §9 unique identifiers.
import { randomUUID, randomBytes } from 'node:crypto';

export const UID_MAX_LENGTH = 64;

/** Our Implementation Class UID (PS3.7 D.3.3.2), a UUID-derived 2.25 UID (PS3.5 §B.2) fixed once. */
export const IMPLEMENTATION_CLASS_UID = '2.25.60341309735668550126798606519733386937';
/** Our Implementation Version Name: at most 16 characters of the default repertoire (SH). */
export const IMPLEMENTATION_VERSION_NAME = 'PACS_0.1.0';

const UID_PATTERN = /^(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))*$/;

export class InvalidUidError extends Error {
  override readonly name = 'InvalidUidError';
  constructor(readonly uid: string, reason: string) {
    super(`invalid UID ${JSON.stringify(uid)}: ${reason}`);
  }
}

/** PS3.5 §9.1: dot-separated components of digits, no leading zero except "0" itself, ≤ 64 chars. */
export function isValidUid(uid: string): boolean {
  return uid.length > 0 && uid.length <= UID_MAX_LENGTH && UID_PATTERN.test(uid);
}

export function assertValidUid(uid: string): void {
  if (uid.length === 0) throw new InvalidUidError(uid, 'empty');
  if (uid.length > UID_MAX_LENGTH) throw new InvalidUidError(uid, `longer than ${UID_MAX_LENGTH} characters`);
  if (!UID_PATTERN.test(uid)) throw new InvalidUidError(uid, 'components must be digits without leading zeros');
}

/** PS3.5 §B.2: "2.25." followed by a random UUID as an unsigned decimal integer. */
function uuidUid(): string {
  return `2.25.${BigInt(`0x${randomUUID().replace(/-/g, '')}`).toString()}`;
}

/**
 * A new UID. Without a root (or with "2.25"), a UUID-derived UID; with an organisation root,
 * the root followed by a random decimal component filling the space left (at most 38 digits).
 */
export function generateUid(root?: string): string {
  const base = root?.replace(/\.$/, '');
  if (base === undefined || base === '' || base === '2.25') return uuidUid();
  assertValidUid(base);
  const room = Math.min(UID_MAX_LENGTH - base.length - 1, 38);
  if (room < 8) throw new InvalidUidError(base, 'root leaves fewer than 8 digits for uniqueness');
  const digits = BigInt(`0x${randomBytes(16).toString('hex')}`).toString().slice(0, room).replace(/^0+/, '');
  return `${base}.${digits || '1'}`;
}
