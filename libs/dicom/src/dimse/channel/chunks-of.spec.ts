import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, test } from 'node:test';
import { chunksOf } from './chunks-of';

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('chunksOf: a byte stream read chunk by chunk', () => {
  test('yields the pushed buffers themselves, one by one, even when they piled up unread', async () => {
    const stream = new Readable({ highWaterMark: 1 << 20, read: () => undefined });
    const pushed = [Buffer.from('first'), Buffer.from('second'), Buffer.from('third')];
    for (const chunk of pushed) stream.push(chunk);
    stream.push(null);
    const read: Buffer[] = [];
    for await (const chunk of chunksOf(stream)) read.push(chunk);
    assert.equal(read.length, 3);
    read.forEach((chunk, i) => assert.equal(chunk, pushed[i], `chunk ${i} is the pushed Buffer, not a copy`));
    // The built-in iterator would have concatenated them: what this helper exists to avoid.
    const builtIn = new Readable({ read: () => undefined });
    for (const chunk of pushed) builtIn.push(chunk);
    builtIn.push(null);
    const merged: Buffer[] = [];
    for await (const chunk of builtIn) merged.push(chunk as Buffer);
    assert.equal(merged.length, 1);
  });

  test('keeps backpressure: a consumer that does not read holds the producer back', async () => {
    let produced = 0;
    const stream = new Readable({
      highWaterMark: 64,
      read() {
        produced++;
        this.push(Buffer.alloc(16, produced));
        if (produced === 1000) this.push(null);
      },
    });
    const chunks = chunksOf(stream);
    const first = await chunks.next();
    assert.equal(first.done, false);
    for (let i = 0; i < 20; i++) await tick();
    assert.ok(produced < 20, `a waiting consumer let ${produced} chunks be produced`);
    let total = 1;
    for await (const chunk of chunks) {
      assert.equal(chunk.length, 16);
      total++;
    }
    assert.equal(total, 1000);
  });

  test('an error rejects the next read; so does a close before the end', async () => {
    const failing = new Readable({ read: () => undefined });
    failing.push(Buffer.from('x'));
    const chunks = chunksOf(failing);
    assert.deepEqual((await chunks.next()).value, Buffer.from('x'));
    failing.destroy(new Error('association aborted'));
    await assert.rejects(chunks.next(), /association aborted/);

    const closed = new Readable({ read: () => undefined });
    const cut = chunksOf(closed);
    setImmediate(() => closed.destroy());
    await assert.rejects(cut.next(), { code: 'ERR_STREAM_PREMATURE_CLOSE' });
  });

  test('a consumer that stops early destroys the stream, as the built-in iterator does', async () => {
    const stream = new Readable({ read: () => undefined });
    stream.push(Buffer.from('a'));
    stream.push(Buffer.from('b'));
    for await (const chunk of chunksOf(stream)) {
      assert.deepEqual(chunk, Buffer.from('a'));
      break;
    }
    assert.equal(stream.destroyed, true);
  });

  test('an empty stream ends at once', async () => {
    const stream = Readable.from([], { objectMode: false });
    assert.deepEqual(await chunksOf(stream).next(), { value: undefined, done: true });
  });
});
