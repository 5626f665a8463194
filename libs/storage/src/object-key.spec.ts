import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InvalidObjectKeyError } from './errors';
import { assertValidKeyPrefix, assertValidObjectKey, MAX_OBJECT_KEY_LENGTH } from './object-key';

describe('assertValidObjectKey', () => {
  test('accepts relative keys of [A-Za-z0-9._-] segments', () => {
    for (const key of [
      'a',
      'studies/1.2.840.113619.2.55.3/series/1.2.3/1.2.3.4.dcm',
      'A-Z_a-z.0-9',
      'x.',
      'trailing-dot./ok',
      'k'.repeat(MAX_OBJECT_KEY_LENGTH),
    ]) {
      assert.doesNotThrow(() => assertValidObjectKey(key), key.slice(0, 40));
    }
  });

  test('rejects traversal, absolute paths, empty and dot segments, foreign characters and overlong keys', () => {
    const cases: [unknown, RegExp][] = [
      ['../x', /starts with "\."/],
      ['a/../b', /starts with "\."/],
      ['a/./b', /starts with "\."/],
      ['.', /starts with "\."/],
      ['.tmp/x', /starts with "\."/],
      ['/abs', /empty segment/],
      ['a//b', /empty segment/],
      ['a/', /empty segment/],
      ['', /empty/],
      ['a\\b', /characters/],
      ['a\0b', /characters/],
      ['a b', /characters/],
      ['%2e%2e/x', /characters/],
      ['é', /characters/],
      ['k'.repeat(MAX_OBJECT_KEY_LENGTH + 1), /longer than 1024/],
      ['x'.repeat(2000), /longer than 1024/],
      [42, /not a string/],
      [undefined, /not a string/],
    ];
    for (const [key, reason] of cases) {
      assert.throws(
        () => assertValidObjectKey(key),
        (error: unknown) => error instanceof InvalidObjectKeyError && reason.test(error.reason),
        String(key).slice(0, 40),
      );
    }
  });

  test('the error message shows a shortened, escaped key', () => {
    assert.throws(
      () => assertValidObjectKey(`a\0${'b'.repeat(3000)}`),
      (error: unknown) => error instanceof InvalidObjectKeyError && error.message.length < 300 && error.message.includes('\\u0000'),
    );
  });
});

describe('assertValidKeyPrefix', () => {
  test('accepts the empty prefix, partial segments and prefixes ending in "/"', () => {
    for (const prefix of ['', 'a', 'a/', 'studies/1.2.', 'studies/1.2/series/']) {
      assert.doesNotThrow(() => assertValidKeyPrefix(prefix), prefix);
    }
  });

  test('rejects prefixes no valid key can start with', () => {
    for (const prefix of ['/', '../', '..', 'a//', 'a/../', 'a\\', '.tmp/']) {
      assert.throws(() => assertValidKeyPrefix(prefix), InvalidObjectKeyError, prefix);
    }
  });
});
