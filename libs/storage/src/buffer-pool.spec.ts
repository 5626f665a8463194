import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BufferPool, lend } from './buffer-pool';

describe('BufferPool', () => {
  test('a buffer given back is the next one taken; a fresh one otherwise', () => {
    const pool = new BufferPool(16, 2);
    const a = pool.take();
    assert.equal(a.length, 16);
    pool.give(a);
    assert.equal(pool.take(), a);
    assert.notEqual(pool.take(), a);
  });

  test('keeps at most maxIdle buffers, and only buffers of its size', () => {
    const pool = new BufferPool(16, 1);
    const [a, b] = [pool.take(), pool.take()];
    pool.give(a);
    pool.give(b);
    pool.give(Buffer.alloc(8));
    assert.equal(pool.take(), a);
    assert.notEqual(pool.take(), b);
  });

  test('lend: a view of the bytes read; given back once, whatever the number of calls', () => {
    const pool = new BufferPool(16, 4);
    const buffer = pool.take();
    buffer.write('hello', 'latin1');
    const lent = lend(pool, buffer, 5);
    assert.equal(lent.bytes.toString('latin1'), 'hello');
    lent.giveBack();
    lent.giveBack();
    assert.equal(pool.take(), buffer);
    assert.notEqual(pool.take(), buffer);
  });
});
