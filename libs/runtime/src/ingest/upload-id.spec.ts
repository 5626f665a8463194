import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { newUploadId } from './upload-id';

describe('newUploadId', () => {
  test('12 base64url characters, all different across several refills of the pool', () => {
    const ids = Array.from({ length: 2000 }, () => newUploadId());
    for (const id of ids) assert.match(id, /^[A-Za-z0-9_-]{12}$/);
    assert.equal(new Set(ids).size, ids.length);
  });
});
