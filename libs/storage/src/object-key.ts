import { InvalidObjectKeyError } from './errors';

export const MAX_OBJECT_KEY_LENGTH = 1024;

// A segment may not start with '.': this rules out '.' and '..' (no traversal) and hidden names,
// which also keeps keys from ever colliding with an adapter's own '.tmp' / '.meta' areas.
const SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;

/** True for one valid path segment of a key (used by adapters that walk stored names). */
export const isValidKeySegment = (name: string): boolean => SEGMENT.test(name);

/**
 * The one place object keys are checked, before any I/O: relative, '/'-separated segments of
 * [A-Za-z0-9._-], no empty segment, no segment starting with '.', at most 1024 characters.
 * Since keys pass through here unchanged into paths and URLs, nothing else escapes them.
 */
export function assertValidObjectKey(key: unknown): asserts key is string {
  if (typeof key !== 'string') throw new InvalidObjectKeyError(key, 'not a string');
  if (key.length === 0) throw new InvalidObjectKeyError(key, 'empty');
  if (key.length > MAX_OBJECT_KEY_LENGTH) {
    throw new InvalidObjectKeyError(key, `longer than ${MAX_OBJECT_KEY_LENGTH} characters`);
  }
  for (const segment of key.split('/')) {
    if (segment === '') {
      throw new InvalidObjectKeyError(key, 'empty segment (leading, trailing or doubled "/")');
    }
    if (!SEGMENT.test(segment)) {
      throw new InvalidObjectKeyError(
        key,
        segment.startsWith('.')
          ? 'segment starts with "." (covers "." and "..")'
          : 'segment has characters outside [A-Za-z0-9._-]',
      );
    }
  }
}

/**
 * A listing prefix is valid when it is empty or when it could begin a valid key: a prefix ending
 * in '/' must be followed by a segment, any other prefix may itself be a key.
 */
export function assertValidKeyPrefix(prefix: unknown): asserts prefix is string {
  if (prefix === '') return;
  if (typeof prefix !== 'string') throw new InvalidObjectKeyError(prefix, 'prefix is not a string');
  try {
    assertValidObjectKey(prefix.endsWith('/') ? `${prefix}x` : prefix);
  } catch (error) {
    if (error instanceof InvalidObjectKeyError) throw new InvalidObjectKeyError(prefix, `as a prefix: ${error.reason}`);
    throw error;
  }
}
