import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decodeInstanceReceived, encodeInstanceReceived, InvalidEventError, type InstanceReceived } from './instance-received';

const event: InstanceReceived = {
  v: 1, sopInstanceUid: '1.2.3.1', sopClassUid: '1.2.840.10008.5.1.4.1.1.2', studyInstanceUid: '1.2.3', seriesInstanceUid: '1.2.3.0',
  transferSyntaxUid: '1.2.840.10008.1.2.1', tier: 'primary', storageKey: 'k', digest: 'd', size: 10, callingAe: 'PACS', calledAe: 'PACS',
  peer: 'admin-api', receivedAt: '2026-11-25T10:00:00.000Z',
};

describe('instance.received: the duplicate policy of a deliberate rewrite', () => {
  test('absent by default; a rewrite\'s "replace" survives the round trip', () => {
    assert.equal(decodeInstanceReceived(encodeInstanceReceived(event)).duplicatePolicy, undefined);
    assert.equal(decodeInstanceReceived(encodeInstanceReceived({ ...event, duplicatePolicy: 'replace' })).duplicatePolicy, 'replace');
  });

  test('an unknown policy is refused', () => {
    assert.throws(() => decodeInstanceReceived(Buffer.from(JSON.stringify({ ...event, duplicatePolicy: 'overwrite' }))), InvalidEventError);
  });
});
