import { randomBytes } from 'node:crypto';

const ID_BYTES = 9;
const IDS_PER_DRAW = 512;
let pool = Buffer.alloc(0);
let at = 0;

/**
 * A new upload's name in its storage key: 72 random bits as 12 base64url characters. Drawn
 * from a pool refilled 512 at a time, since one call into the random source per stored object
 * cost more than the rest of naming it.
 */
export function newUploadId(): string {
  if (at + ID_BYTES > pool.length) {
    pool = randomBytes(ID_BYTES * IDS_PER_DRAW);
    at = 0;
  }
  const id = pool.toString('base64url', at, at + ID_BYTES);
  at += ID_BYTES;
  return id;
}
