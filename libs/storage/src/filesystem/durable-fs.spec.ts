import assert from 'node:assert/strict';
import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { coalesced, writeAllFully } from './durable-fs';

async function* chunksOf(...sizes: number[]): AsyncGenerator<Buffer> {
  let next = 0;
  for (const size of sizes) yield Buffer.alloc(size, next++);
}

async function batches(source: AsyncIterable<Uint8Array>, bytes: number): Promise<number[][]> {
  const out: number[][] = [];
  for await (const batch of coalesced(source, bytes)) out.push(batch.map((b) => b.length));
  return out;
}

describe('coalesced', () => {
  test('groups chunks until the batch reaches the size; the rest goes out at the end', async () => {
    assert.deepEqual(await batches(chunksOf(10, 10, 10, 5, 30, 1), 25), [[10, 10, 10], [5, 30], [1]]);
  });

  test('a chunk larger than the batch size is a batch of its own; an empty stream yields nothing', async () => {
    assert.deepEqual(await batches(chunksOf(100, 3), 25), [[100], [3]]);
    assert.deepEqual(await batches(chunksOf(), 25), []);
  });
});

describe('writeAllFully', () => {
  test('writes the buffers in order, whole', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'durable-fs-'));
    try {
      const path = join(dir, 'f');
      const handle = await open(path, 'wx');
      const parts = [Buffer.from('abc'), Buffer.alloc(0), Buffer.alloc(70_000, 0x41), Buffer.from('xyz')];
      await writeAllFully(async (buffers) => (await handle.writev(buffers)).bytesWritten, parts);
      await handle.close();
      assert.deepEqual(await readFile(path), Buffer.concat(parts));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('continues after short writes from where the kernel stopped', async () => {
    const written: Buffer[] = [];
    // writev may write fewer bytes than asked (POSIX); a writer that takes at most 4 bytes a call.
    const writev = async (buffers: Uint8Array[]) => {
      const taken = Buffer.concat(buffers).subarray(0, 4);
      written.push(taken);
      return taken.length;
    };
    await writeAllFully(writev, [Buffer.from('hello'), Buffer.from(' '), Buffer.from('world!')]);
    assert.equal(Buffer.concat(written).toString(), 'hello world!');
    assert.equal(written.length, 3);
  });
});
