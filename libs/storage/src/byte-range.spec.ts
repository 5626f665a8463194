import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { resolveByteRange } from './byte-range';
import { ObjectRangeNotSatisfiableError } from './errors';

describe('resolveByteRange', () => {
  test('no range, or a range from 0 to the end, reads the whole object', () => {
    assert.equal(resolveByteRange('k', undefined), null);
    assert.equal(resolveByteRange('k', {}), null);
    assert.equal(resolveByteRange('k', { start: 0 }), null);
  });

  test('keeps explicit bounds (end inclusive)', () => {
    assert.deepEqual(resolveByteRange('k', { start: 5 }), { start: 5, end: undefined });
    assert.deepEqual(resolveByteRange('k', { end: 9 }), { start: 0, end: 9 });
    assert.deepEqual(resolveByteRange('k', { start: 3, end: 3 }), { start: 3, end: 3 });
  });

  test('rejects negative, fractional and inverted ranges', () => {
    for (const range of [{ start: -1 }, { end: -1 }, { start: 1.5 }, { start: 10, end: 9 }, { start: Number.NaN }]) {
      assert.throws(() => resolveByteRange('k', range), ObjectRangeNotSatisfiableError, JSON.stringify(range));
    }
  });
});
