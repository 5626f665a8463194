import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Operation } from './context';

describe('Operation', () => {
  test('a signal asked after the end is already aborted, with the reason', () => {
    const op = new Operation();
    const reason = new Error('association closed');
    op.end(reason);
    assert.equal(op.aborted, true);
    assert.equal(op.cancelled, false);
    assert.equal(op.signal.aborted, true);
    assert.equal(op.signal.reason, reason);
  });

  test('a signal asked before fires on C-CANCEL, once; a later end changes nothing', async () => {
    const op = new Operation();
    const { signal } = op;
    let fired = 0;
    signal.addEventListener('abort', () => fired++);
    const aborted = op.whenAborted();
    op.cancel();
    op.end(new Error('closed'));
    await aborted;
    assert.equal(fired, 1);
    assert.equal(op.cancelled, true);
    assert.match(String(signal.reason), /C-CANCEL-RQ/);
  });

  test('an operation nobody cancelled is not aborted', async () => {
    const op = new Operation();
    assert.equal(op.aborted, false);
    assert.equal(op.signal.aborted, false);
    assert.equal(await Promise.race([op.whenAborted().then(() => 'aborted'), Promise.resolve('pending')]), 'pending');
  });
});
