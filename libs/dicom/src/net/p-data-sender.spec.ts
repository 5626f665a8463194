import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, test } from 'node:test';
import type { Pdv } from '../pdu';
import { maxFragmentLength, sendBuffer, sendStream, type PDataSink } from './p-data-sender';

class FakeSink implements PDataSink {
  readonly pdvs: Pdv[] = [];
  full = false;
  drains: ((err?: Error) => void)[] = [];
  sendPdv(pdv: Pdv): void {
    this.pdvs.push(pdv);
  }
  needsDrain(): boolean {
    return this.full;
  }
  onDrain(fn: (err?: Error) => void): void {
    this.drains.push(fn);
  }
}

describe('maxFragmentLength (PS3.8 §9.3.5, Annex D.1)', () => {
  test('peer maximum minus the 6-byte PDV header, rounded down to even', () => {
    assert.equal(maxFragmentLength(16384, 1 << 20), 16378);
    assert.equal(maxFragmentLength(16385, 1 << 20), 16378);
  });
  test('0 (unlimited) uses our cap; a smaller cap wins', () => {
    assert.equal(maxFragmentLength(0, 65536), 65530);
    assert.equal(maxFragmentLength(1 << 24, 65536), 65530);
  });
});

describe('sendBuffer', () => {
  test('cuts into fragments of at most the maximum, only the last flagged last', () => {
    const sink = new FakeSink();
    const data = Buffer.alloc(25, 1);
    sendBuffer(sink, 3, true, data, 10);
    assert.deepEqual(sink.pdvs.map((p) => [p.data.length, p.isLast, p.isCommand, p.presentationContextId]), [
      [10, false, true, 3],
      [10, false, true, 3],
      [5, true, true, 3],
    ]);
    assert.equal(sink.pdvs[0]!.data.buffer, data.buffer, 'fragments are views');
  });
  test('an empty buffer is one empty last fragment', () => {
    const sink = new FakeSink();
    sendBuffer(sink, 1, false, Buffer.alloc(0), 10);
    assert.deepEqual(sink.pdvs.map((p) => [p.data.length, p.isLast]), [[0, true]]);
  });
});

describe('sendStream', () => {
  const bytes = Buffer.from(Array.from({ length: 1000 }, (_, i) => (i * 7) & 0xff));

  async function fragments(chunkSizes: number[], max: number): Promise<Pdv[]> {
    const chunks: Buffer[] = [];
    let pos = 0;
    for (const n of chunkSizes) {
      chunks.push(bytes.subarray(pos, pos + n));
      pos += n;
    }
    chunks.push(bytes.subarray(pos));
    const sink = new FakeSink();
    await sendStream(sink, 5, Readable.from(chunks.filter((c) => c.length > 0)), max);
    return sink.pdvs;
  }

  for (const [name, sizes] of [
    ['even chunks', [100, 200, 300]],
    ['odd chunk boundaries', [1, 99, 3, 301, 7]],
    ['one byte at a time for a while', [1, 1, 1, 1, 1, 1, 1]],
    ['one chunk', []],
  ] as const) {
    test(`${name}: bytes intact, every fragment even and ≤ max, last bit only at the end`, async () => {
      const pdvs = await fragments([...sizes], 64);
      assert.deepEqual(Buffer.concat(pdvs.map((p) => p.data)), bytes);
      for (const [i, p] of pdvs.entries()) {
        assert.ok(p.data.length <= 64, `fragment ${i} has ${p.data.length} bytes`);
        assert.equal(p.data.length % 2, 0, `fragment ${i} has odd length ${p.data.length}`);
        assert.equal(p.isLast, i === pdvs.length - 1);
        assert.equal(p.isCommand, false);
      }
    });
  }

  test('an empty stream sends one empty last fragment', async () => {
    const sink = new FakeSink();
    await sendStream(sink, 1, Readable.from([]), 64);
    assert.deepEqual(sink.pdvs.map((p) => [p.data.length, p.isLast]), [[0, true]]);
  });

  test('stops reading while the socket needs to drain, resumes on drain', async () => {
    const sink = new FakeSink();
    sink.full = true;
    let reads = 0;
    const source = new Readable({
      highWaterMark: 1,
      read() {
        reads++;
        this.push(reads <= 3 ? Buffer.alloc(10) : null);
      },
    });
    const done = sendStream(sink, 1, source, 64);
    await new Promise((r) => setImmediate(r));
    assert.equal(sink.drains.length, 1, 'waiting for drain');
    const readsWhilePaused = reads;
    await new Promise((r) => setImmediate(r));
    assert.equal(reads, readsWhilePaused, 'no reads while paused');
    sink.full = false;
    sink.drains.shift()!();
    await done;
    assert.equal(Buffer.concat(sink.pdvs.map((p) => p.data)).length, 30);
  });

  test('a source error rejects', async () => {
    const source = new Readable({
      read() {
        this.destroy(new Error('boom'));
      },
    });
    await assert.rejects(sendStream(new FakeSink(), 1, source, 64), /boom/);
  });

  test('a drain error (association ended) rejects', async () => {
    const sink = new FakeSink();
    sink.full = true;
    const done = sendStream(sink, 1, Readable.from([Buffer.alloc(4), Buffer.alloc(4)]), 64);
    await new Promise((r) => setImmediate(r));
    sink.drains.shift()!(new Error('gone'));
    await assert.rejects(done, /gone/);
  });
});
