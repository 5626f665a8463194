import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MicroBatcher } from './micro-batcher';

/** A write() that records its batches and finishes when told to. */
function controlledWriter(fail: (item: number) => boolean = () => false) {
  const batches: number[][] = [];
  const releases: Array<() => void> = [];
  let running = 0;
  let peak = 0;
  const write = async (items: readonly number[]): Promise<string[]> => {
    batches.push([...items]);
    running++;
    peak = Math.max(peak, running);
    await new Promise<void>((resolve) => releases.push(resolve));
    running--;
    if (items.some(fail)) throw new Error(`bad item in ${items.join(',')}`);
    return items.map((i) => `r${i}`);
  };
  const releaseAll = async (): Promise<void> => {
    while (releases.length > 0) releases.shift()!();
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { write, batches, releaseAll, peak: () => peak };
}

async function settle(writer: ReturnType<typeof controlledWriter>, done: Promise<unknown>): Promise<void> {
  let finished = false;
  void done.finally(() => (finished = true));
  while (!finished) await writer.releaseAll();
}

describe('MicroBatcher', () => {
  test('an item at an idle batcher is written alone; items arriving meanwhile form the next batch', async () => {
    const writer = controlledWriter();
    const batcher = new MicroBatcher({ write: writer.write, maxBatch: 10, concurrency: 1 });
    const results = [batcher.submit(1), batcher.submit(2), batcher.submit(3), batcher.submit(4)];
    const all = Promise.all(results);
    await settle(writer, all);
    assert.deepEqual(await all, ['r1', 'r2', 'r3', 'r4']);
    assert.deepEqual(writer.batches, [[1], [2, 3, 4]]);
  });

  test('maxBatch and concurrency bound the batches and the writes at once', async () => {
    const writer = controlledWriter();
    const batcher = new MicroBatcher({ write: writer.write, maxBatch: 3, concurrency: 2 });
    const all = Promise.all(Array.from({ length: 11 }, (_v, i) => batcher.submit(i)));
    await settle(writer, all);
    assert.equal((await all).length, 11);
    assert.ok(writer.batches.every((b) => b.length <= 3));
    assert.equal(writer.peak(), 2);
    assert.deepEqual(writer.batches.flat().sort((a, b) => a - b), Array.from({ length: 11 }, (_v, i) => i));
  });

  test('a failed batch is written again item by item: only the bad item fails', async () => {
    const writer = controlledWriter((i) => i === 3);
    const batcher = new MicroBatcher({ write: writer.write, maxBatch: 10, concurrency: 1 });
    const outcomes = Promise.allSettled([1, 2, 3, 4].map((i) => batcher.submit(i)));
    await settle(writer, outcomes);
    assert.deepEqual((await outcomes).map((o) => o.status), ['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    assert.deepEqual(writer.batches, [[1], [2, 3, 4], [2], [3], [4]]);
  });

  test('with a linger, items that keep coming wait for company once company came; a full batch goes at once', async () => {
    const writer = controlledWriter();
    const batcher = new MicroBatcher({ write: writer.write, maxBatch: 3, concurrency: 1, lingerMs: 60_000 });
    const tick = () => new Promise((resolve) => setImmediate(resolve));
    const lone = batcher.submit(1);
    await tick();
    assert.deepEqual(writer.batches, [[1]], 'an item after a quiet spell is written at once');
    await settle(writer, lone);
    const next = batcher.submit(2);
    await tick();
    assert.deepEqual(writer.batches, [[1], [2]], 'after a batch of one, the next item is written at once too');
    const meanwhile = [batcher.submit(3), batcher.submit(4)];
    await settle(writer, Promise.all([next, ...meanwhile]));
    assert.deepEqual(writer.batches, [[1], [2], [3, 4]], 'items that arrived during a write follow it at once');
    const following = [batcher.submit(5), batcher.submit(6)];
    await tick();
    assert.equal(writer.batches.length, 3, 'after a batch with company, items that follow closely wait for the linger');
    const full = Promise.all([...following, batcher.submit(7)]);
    await tick();
    assert.deepEqual(writer.batches.at(-1), [5, 6, 7], 'a full batch does not wait');
    await settle(writer, full);
  });

  test('a lingering partial batch is written when its linger ends', async () => {
    const writer = controlledWriter();
    const batcher = new MicroBatcher({ write: writer.write, maxBatch: 10, concurrency: 1, lingerMs: 30 });
    await settle(writer, Promise.all([batcher.submit(1), batcher.submit(2), batcher.submit(3)]));
    assert.deepEqual(writer.batches, [[1], [2, 3]]);
    const lingering = Promise.all([batcher.submit(4), batcher.submit(5)]);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(writer.batches.length, 2, 'waiting for company');
    await settle(writer, lingering);
    assert.deepEqual(writer.batches, [[1], [2, 3], [4, 5]]);
  });

  test('a write returning the wrong number of results fails its items instead of misassigning them', async () => {
    const batcher = new MicroBatcher<number, number>({ write: async (items) => items.slice(1), maxBatch: 5, concurrency: 1 });
    await assert.rejects(batcher.submit(1), /returned 0 results for 1 items/);
  });
});
