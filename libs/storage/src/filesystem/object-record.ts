import { readFile } from 'node:fs/promises';
import type { BigIntStats } from 'node:fs';

/**
 * What the filesystem store keeps next to each object (under <root>/.meta/<key>): the digest,
 * content type and user metadata, plus the identity (inode, size) of the data file it describes.
 * Data and record are renamed separately, so after a crash between the two renames the record
 * may describe another file; the identity check then makes the store report "digest unknown"
 * instead of a wrong digest.
 */
export interface ObjectRecord {
  v: 1;
  ino: string;
  size: number;
  sha256: string;
  contentType: string;
  metadata: Record<string, string>;
}

export const encodeObjectRecord = (record: ObjectRecord): Buffer => Buffer.from(JSON.stringify(record));

/** The record for `data`, or null when absent, unreadable or describing a different file. */
export async function readObjectRecord(path: string, data: BigIntStats): Promise<ObjectRecord | null> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch {
    return null;
  }
  if (!isObjectRecord(parsed)) return null;
  if (parsed.ino !== data.ino.toString() || BigInt(parsed.size) !== data.size) return null;
  return parsed;
}

function isObjectRecord(value: unknown): value is ObjectRecord {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as Record<string, unknown>;
  return (
    r['v'] === 1 &&
    typeof r['ino'] === 'string' &&
    Number.isSafeInteger(r['size']) &&
    typeof r['sha256'] === 'string' &&
    typeof r['contentType'] === 'string' &&
    typeof r['metadata'] === 'object' &&
    r['metadata'] !== null &&
    Object.values(r['metadata']).every((v) => typeof v === 'string')
  );
}
