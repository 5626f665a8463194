import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { bindValue, jsonWithoutNul } from './sql-params';

describe('bind values never carry U+0000 (PostgreSQL text and jsonb cannot hold it)', () => {
  test('U+0000 inside JSON strings becomes U+FFFD, at any depth', () => {
    const value = { a: 'x\0y', b: ['\0', { c: '\0\0' }], d: 1 };
    assert.deepEqual(JSON.parse(jsonWithoutNul(value)), { a: 'x\uFFFDy', b: ['\uFFFD', { c: '\uFFFD\uFFFD' }], d: 1 });
  });

  test('a literal backslash followed by "u0000" is text, not a NUL, and is kept', () => {
    for (const s of ['\\u0000', '\\\\u0000', 'a\\\0b', '\\\\\0']) {
      assert.equal(JSON.parse(jsonWithoutNul(s)), s.replace(/\0/g, '\uFFFD'), JSON.stringify(s));
    }
  });

  test('text and text[] values lose U+0000 too; null and undefined bind as NULL', () => {
    assert.equal(bindValue('a\0', 'text'), 'a\uFFFD');
    assert.deepEqual(bindValue(['\0', 'b'], 'text[]'), ['\uFFFD', 'b']);
    assert.equal(bindValue(undefined, 'text'), null);
    assert.equal(bindValue({ a: 1 }, 'jsonb'), '{"a":1}');
  });
});
