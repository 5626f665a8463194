import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BusConfigError, StreamFullError } from '../errors';
import { StreamLog } from './stream-log';

const data = (n: number): Uint8Array => new Uint8Array(n);

describe('in-process stream log (clock injected)', () => {
  test('a msgId is a duplicate inside the window and new again after it', () => {
    let now = 1_000;
    const log = new StreamLog({ name: 'S', subjects: ['s.>'], duplicateWindowMs: 100 }, () => now);
    assert.deepEqual(log.append('s.a', data(1), {}, 'id-1'), { seq: 1, duplicate: false });
    now += 99;
    assert.deepEqual(log.append('s.a', data(1), {}, 'id-1'), { seq: 1, duplicate: true });
    now += 1;
    assert.deepEqual(log.append('s.a', data(1), {}, 'id-1'), { seq: 2, duplicate: false });
    assert.equal(log.count, 2);
  });

  test('maxAgeMs removes old messages; sequence numbers keep rising', () => {
    let now = 0;
    const log = new StreamLog({ name: 'S', subjects: ['s.>'], duplicateWindowMs: 10, maxAgeMs: 50 }, () => now);
    log.append('s.a', data(1), {}, undefined);
    now = 30;
    log.append('s.a', data(1), {}, undefined);
    now = 60;
    log.expire();
    assert.equal(log.count, 1);
    assert.equal(log.firstMatching(1, undefined), 2);
    assert.equal(log.append('s.a', data(1), {}, undefined).seq, 3);
  });

  test('maxBytes refuses the message that does not fit and keeps the others', () => {
    const log = new StreamLog({ name: 'S', subjects: ['s.>'], duplicateWindowMs: 10, maxBytes: 100 });
    log.append('s.a', data(40), {}, undefined);
    log.append('s.a', data(40), {}, undefined);
    assert.throws(() => log.append('s.a', data(40), {}, undefined), StreamFullError);
    assert.equal(log.count, 2);
    log.remove(1);
    assert.equal(log.append('s.a', data(40), {}, undefined).seq, 3);
  });

  test('the stored copy does not change when the publisher reuses its buffer', () => {
    const log = new StreamLog({ name: 'S', subjects: ['s.>'], duplicateWindowMs: 10 });
    const buf = new Uint8Array([1, 2, 3]);
    log.append('s.a', buf, {}, undefined);
    buf[0] = 9;
    assert.deepEqual([...(log.get(1)?.data ?? [])], [1, 2, 3]);
  });

  test('filters pick matching subjects only; retention cannot change', () => {
    const log = new StreamLog({ name: 'S', subjects: ['s.>'], duplicateWindowMs: 10 });
    for (const s of ['s.a.1', 's.b.1', 's.a.2']) log.append(s, data(1), {}, undefined);
    assert.equal(log.firstMatching(1, 's.b.*'), 2);
    assert.equal(log.firstMatching(3, 's.b.*'), undefined);
    assert.equal(log.countMatching(1, 's.a.*'), 2);
    assert.throws(() => log.update({ name: 'S', subjects: ['s.>'], duplicateWindowMs: 10, retention: 'workqueue' }), BusConfigError);
  });
});
