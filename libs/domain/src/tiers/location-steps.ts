// The steps of moving one object between tiers, and of removing one copy, derived from the
// location rows alone. A worker that died at any point leaves rows from which the next worker
// computes the same next step: the copy is only offered (status ok) once its digest was
// verified, the source stops being offered (deleting) in the same transaction, and its bytes
// are deleted only after that. So there is always a readable copy, and never two rows for one
// tier (the rows are unique per instance and tier).

export type LocationState = 'ok' | 'copying' | 'deleting' | 'missing';

/**
 * - copy: copy source → target, verify the digest, then switch
 * - switch: in one transaction, target ok and source deleting
 * - release: delete the source bytes (after the grace period), then drop the source row
 * - done: nothing left to do
 * - skip: nothing to move from (no usable source copy)
 */
export type MoveStep = 'copy' | 'switch' | 'release' | 'done' | 'skip';

export function nextMoveStep(source: LocationState | undefined, target: LocationState | undefined): MoveStep {
  if (target === 'ok') {
    if (source === undefined) return 'done';
    if (source === 'deleting') return 'release';
    return source === 'ok' ? 'switch' : 'release';
  }
  // No verified copy on the target yet: the source bytes still exist (they are deleted only
  // after a switch), also when a crash left the source marked deleting.
  if (source === 'ok' || source === 'deleting') return 'copy';
  return 'skip';
}

/**
 * - mark: stop offering this copy (deleting); another verified copy exists
 * - release: delete the bytes (after the grace period), then drop the row
 * - keep: this is the only usable copy: never removed
 * - restore: marked for removal, but no other copy is usable any more: offer it again (ok)
 * - done: no copy on this tier
 */
export type CleanupStep = 'mark' | 'release' | 'keep' | 'restore' | 'done';

export function nextCleanupStep(here: LocationState | undefined, okElsewhere: number): CleanupStep {
  if (here === undefined) return 'done';
  if (here === 'deleting') return okElsewhere > 0 ? 'release' : 'restore';
  if (here === 'ok') return okElsewhere > 0 ? 'mark' : 'keep';
  // copying/missing: not a usable copy here; removing its row loses nothing when another exists.
  return okElsewhere > 0 ? 'release' : 'keep';
}
