import { ObjectRangeNotSatisfiableError } from './errors';
import type { ByteRange } from './object-store';

/** A checked range; `end` (inclusive) undefined means "to the end of the object". */
export interface ResolvedRange {
  start: number;
  end: number | undefined;
}

const isOffset = (value: number): boolean => Number.isSafeInteger(value) && value >= 0;

/**
 * Validates a requested range before any I/O. Returns null when the whole object is wanted, so
 * that `{ start: 0 }` and no range behave the same on every backend (also for empty objects).
 */
export function resolveByteRange(key: string, range: ByteRange | undefined): ResolvedRange | null {
  if (range === undefined) return null;
  const { start = 0, end } = range;
  if (!isOffset(start)) throw new ObjectRangeNotSatisfiableError(key, `start ${String(start)} is not a non-negative integer`);
  if (end !== undefined) {
    if (!isOffset(end)) throw new ObjectRangeNotSatisfiableError(key, `end ${String(end)} is not a non-negative integer`);
    if (end < start) throw new ObjectRangeNotSatisfiableError(key, `end ${end} is before start ${start}`);
  }
  if (start === 0 && end === undefined) return null;
  return { start, end };
}
