import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { batchSizeFor } from './instance-indexer';

describe('batchSizeFor', () => {
  test('half the events in flight, so one batch fills while the other is written', () => {
    assert.equal(batchSizeFor(128), 64);
    assert.equal(batchSizeFor(32), 16);
    assert.equal(batchSizeFor(3), 1);
  });

  test('at most 64 per transaction, at least one', () => {
    assert.equal(batchSizeFor(1024), 64);
    assert.equal(batchSizeFor(1), 1);
  });
});
