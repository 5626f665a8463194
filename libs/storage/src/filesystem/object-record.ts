import { readFile } from 'node:fs/promises';
import type { BigIntStats } from 'node:fs';

/**
 * What the filesystem store keeps next to each object (under <root>/.meta/<key>): the digest,
 * content type and user metadata, plus the identity (inode, size) of the data file it describes.
 * Data and record are renamed separately, so after a crash between the two renames the record
 * may describe another file; the identity check then makes the store report "digest unknown"
 * instead of a wrong digest. A put that keeps no record leaves an older one in place, and the
 * file system may give its inode number to a later file: the creation time tells them apart.
 */
export interface ObjectRecord {
  v: 1;
  ino: string;
  /** Creation time of the data file in ns (statx btime), where the file system keeps one. */
  born?: string;
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
  if (parsed.born !== undefined && data.birthtimeNs !== 0n && parsed.born !== data.birthtimeNs.toString()) return null;
  return parsed;
}

function isObjectRecord(value: unknown): value is ObjectRecord {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as Record<string, unknown>;
  return (
    r['v'] === 1 &&
    typeof r['ino'] === 'string' &&
    (r['born'] === undefined || typeof r['born'] === 'string') &&
    Number.isSafeInteger(r['size']) &&
    typeof r['sha256'] === 'string' &&
    typeof r['contentType'] === 'string' &&
    typeof r['metadata'] === 'object' &&
    r['metadata'] !== null &&
    Object.values(r['metadata']).every((v) => typeof v === 'string')
  );
}
