import { createHmac } from 'node:crypto';

/** Old UID → new UID, the same answer every time for the same old UID. */
export type UidMapping = (uid: string) => string;

/**
 * PS3.5 §B.2: "2.25." and a UUID as a decimal integer, the UUID (RFC 9562 version 8) taken from
 * HMAC-SHA-256(secret, scope NUL uid). Deterministic, so every instance of a study (and a retried
 * request) maps a UID the same way without shared state (PS3.15 E.1-1 "U": consistent within the
 * set of instances); keyed, so nobody without the secret can link the new UID to the old one by
 * hashing candidates. The scope separates operations: anonymizing a study for two pseudonyms
 * gives two distinct studies.
 */
export function derivedUidMapping(secret: string, scope: string): UidMapping {
  const cache = new Map<string, string>();
  return (uid) => {
    let mapped = cache.get(uid);
    if (mapped === undefined) {
      const bytes = Buffer.from(createHmac('sha256', secret).update(`${scope}\0${uid}`).digest().subarray(0, 16));
      bytes[6] = ((bytes[6] as number) & 0x0f) | 0x80;
      bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80;
      mapped = `2.25.${BigInt(`0x${bytes.toString('hex')}`).toString()}`;
      if (cache.size < 100_000) cache.set(uid, mapped);
    }
    return mapped;
  };
}

/** A pseudonym for an identifier (e.g. a Patient ID): a fixed prefix and 16 hex digits of a keyed hash. */
export function derivedPseudonym(secret: string, scope: string, value: string, prefix = 'ANON-'): string {
  return `${prefix}${createHmac('sha256', secret).update(`${scope}\0${value}`).digest('hex').slice(0, 16).toUpperCase()}`;
}
