// What to do when an instance arrives whose SOP Instance UID is already indexed, as a named
// configuration (dcm4chee's duplicate-object policies). Redelivery of the same object (same
// digest) is never a duplicate: indexing is idempotent.

export type DuplicatePolicy = 'keep-first' | 'replace' | 'replace-same-source' | 'reject-if-different';

export const DUPLICATE_POLICIES: readonly DuplicatePolicy[] = ['keep-first', 'replace', 'replace-same-source', 'reject-if-different'];

export type DuplicateDecision = 'store-new' | 'keep-existing' | 'replace' | 'reject';

export interface StoredObjectIdentity {
  /** Digest of the stored object's bytes. */
  digest: string;
  /** Calling AE title it came from; null when unknown (e.g. rebuilt from storage). */
  sourceAe: string | null;
}

/** AE titles: leading and trailing spaces are insignificant (PS3.5 §6.2 AE). */
function sameSource(a: string | null, b: string | null): boolean {
  return a !== null && b !== null && a.trim() !== '' && a.trim() === b.trim();
}

export function decideDuplicate(
  policy: DuplicatePolicy,
  existing: StoredObjectIdentity | null | undefined,
  incoming: StoredObjectIdentity,
): DuplicateDecision {
  if (!existing) return 'store-new';
  if (existing.digest === incoming.digest) return 'keep-existing';
  switch (policy) {
    case 'keep-first':
      return 'keep-existing';
    case 'replace':
      return 'replace';
    case 'replace-same-source':
      return sameSource(existing.sourceAe, incoming.sourceAe) ? 'replace' : 'keep-existing';
    case 'reject-if-different':
      return 'reject';
  }
}
