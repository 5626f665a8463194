import assert from 'node:assert/strict';
import { test } from 'node:test';
import { associationFailed, type AssociationSummary } from '@pacs/domain';
import { RecentAssociations } from './recent-associations';

const summary = (id: string, over: Partial<AssociationSummary> = {}): AssociationSummary => ({
  v: 1, id, callingAe: 'MOD', calledAe: 'PACS', peer: '127.0.0.1:1', startedAt: '2026-01-01T00:00:00Z', endedAt: '2026-01-01T00:00:01Z',
  outcome: 'released', operations: { 'C-STORE': 1 }, failures: [], failureCount: 0, ...over,
});

test('recent associations: newest first, only the last `capacity` kept', () => {
  const recent = new RecentAssociations(3);
  for (const id of ['a', 'b', 'c', 'd']) recent.add(summary(id));
  assert.deepEqual(recent.list().map((s) => s.id), ['d', 'c', 'b']);
});

test('failed: A-ASSOCIATE-RJ, A-ABORT, or an operation answered with a failure status', () => {
  assert.equal(associationFailed(summary('ok')), false);
  assert.equal(associationFailed(summary('rj', { outcome: 'rejected', rejection: { result: 1, source: 1, reason: 3 } })), true);
  assert.equal(associationFailed(summary('ab', { outcome: 'aborted' })), true);
  assert.equal(associationFailed(summary('st', { failureCount: 1, failures: [{ operation: 'C-STORE', status: 0xa700 }] })), true);
});
