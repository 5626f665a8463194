import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BusConfigError, InvalidSubjectError } from './errors';
import { checkConsumerSpec, checkHeaders, checkStreamSpec, redeliveryDelayMs, userHeaders } from './spec-rules';

const stream = { name: 'PACS_EVENTS', subjects: ['pacs.events.>'], duplicateWindowMs: 120_000 };
const consumer = { stream: 'PACS_EVENTS', durable: 'indexer', maxAckPending: 64, ackWaitMs: 30_000, maxDeliver: 10 };

describe('declaration rules shared by both adapters', () => {
  test('a valid stream and consumer pass', () => {
    checkStreamSpec(stream);
    checkConsumerSpec(consumer);
  });

  test('bad stream declarations name the offending key', () => {
    assert.throws(() => checkStreamSpec({ ...stream, name: 'PACS.EVENTS' }), (e: unknown) => e instanceof BusConfigError && e.key === 'stream.name');
    assert.throws(() => checkStreamSpec({ ...stream, subjects: [] }), (e: unknown) => e instanceof BusConfigError && e.key === 'stream.subjects');
    assert.throws(() => checkStreamSpec({ ...stream, subjects: ['a..b'] }), InvalidSubjectError);
    assert.throws(() => checkStreamSpec({ ...stream, duplicateWindowMs: 0 }), (e: unknown) => e instanceof BusConfigError && e.key === 'stream.duplicateWindowMs');
    assert.throws(() => checkStreamSpec({ ...stream, maxAgeMs: 60_000 }), (e: unknown) => e instanceof BusConfigError && e.key === 'stream.duplicateWindowMs');
    assert.throws(() => checkStreamSpec({ ...stream, maxBytes: 1.5 }), (e: unknown) => e instanceof BusConfigError && e.key === 'stream.maxBytes');
  });

  test('bad consumer declarations name the offending key', () => {
    assert.throws(() => checkConsumerSpec({ ...consumer, durable: 'index er' }), (e: unknown) => e instanceof BusConfigError && e.key === 'consumer.durable');
    assert.throws(() => checkConsumerSpec({ ...consumer, maxAckPending: 0 }), (e: unknown) => e instanceof BusConfigError && e.key === 'consumer.maxAckPending');
    assert.throws(() => checkConsumerSpec({ ...consumer, backoffMs: [100, -1] }), (e: unknown) => e instanceof BusConfigError && e.key === 'consumer.backoffMs');
    assert.throws(() => checkConsumerSpec({ ...consumer, filterSubject: 'a.>.b' }), InvalidSubjectError);
  });

  test('redelivery delay follows backoffMs by failed delivery number, the last value repeating', () => {
    assert.equal(redeliveryDelayMs(undefined, 1), 0);
    assert.equal(redeliveryDelayMs([], 3), 0);
    assert.equal(redeliveryDelayMs([100, 1_000, 10_000], 1), 100);
    assert.equal(redeliveryDelayMs([100, 1_000, 10_000], 2), 1_000);
    assert.equal(redeliveryDelayMs([100, 1_000, 10_000], 7), 10_000);
  });

  test('reserved and malformed headers are refused; reserved ones never reach handlers', () => {
    checkHeaders({ 'X-Sop-Instance-Uid': '1.2.3' });
    assert.throws(() => checkHeaders({ 'Nats-Msg-Id': 'x' }), BusConfigError);
    assert.throws(() => checkHeaders({ 'pacs-bus-frame': 'data' }), BusConfigError);
    assert.throws(() => checkHeaders({ 'Bad:Name': 'x' }), BusConfigError);
    assert.throws(() => checkHeaders({ 'X-Multi': 'a\r\nb' }), BusConfigError);
    assert.deepEqual(userHeaders({ 'Nats-Msg-Id': 'x', 'Pacs-Bus-Seq': '1', 'X-A': 'a' }), { 'X-A': 'a' });
  });
});
