import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { forEachBounded } from './bounded';

describe('bounded concurrency over a streamed listing', () => {
  test('never more than `concurrency` calls at once, and the next item is pulled only when a slot is free', async () => {
    let running = 0;
    let peak = 0;
    let pulled = 0;
    const done: number[] = [];
    async function* listing() {
      for (let i = 0; i < 20; i++) {
        pulled++;
        assert.ok(pulled - done.length <= 3, 'no item pulled ahead of a free slot');
        yield i;
      }
    }
    await forEachBounded(listing(), 3, async (i) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setImmediate(r));
      running--;
      done.push(i);
    });
    assert.equal(peak, 3);
    assert.deepEqual([...done].sort((a, b) => a - b), Array.from({ length: 20 }, (_, i) => i));
  });

  test('an aborted signal stops pulling; calls already started finish', async () => {
    const abort = new AbortController();
    const seen: number[] = [];
    await forEachBounded([1, 2, 3, 4, 5], 2, async (i) => {
      seen.push(i);
      if (i === 2) abort.abort();
    }, abort.signal);
    assert.deepEqual(seen, [1, 2]);
  });
});
