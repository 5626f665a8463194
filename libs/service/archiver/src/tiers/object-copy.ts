// Copies one stored object between tier stores and checks the copy: the target store computes
// the SHA-256 of what it wrote, which must equal the digest the index holds for the object.
import type { ObjectStore } from '@pacs/storage';

export class DigestMismatchError extends Error {
  override readonly name = 'DigestMismatchError';
  constructor(
    readonly key: string,
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`copy of ${key} has SHA-256 ${actual}, the index says ${expected}; copy removed`);
  }
}

export interface CopySpec {
  key: string;
  digest: string;
  size: number;
  /** Tier name recorded with the copy (object metadata), so regen restores the location as it was. */
  tier: string;
}

/** Streams the object from `from` to `to` under the same key; rejects (and removes the copy) on a digest mismatch. */
export async function copyVerified(from: ObjectStore, to: ObjectStore, spec: CopySpec): Promise<void> {
  const source = await from.get(spec.key);
  const written = await to.put(spec.key, source, { size: spec.size, contentType: 'application/dicom', metadata: { tier: spec.tier } });
  if (written.sha256 !== spec.digest) {
    await to.delete(spec.key).catch(() => undefined);
    throw new DigestMismatchError(spec.key, spec.digest, written.sha256);
  }
}
