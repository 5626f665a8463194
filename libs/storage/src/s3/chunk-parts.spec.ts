import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { chunkParts } from './chunk-parts';

async function partsOf(chunks: Buffer[], partSize: number): Promise<Buffer[]> {
  const parts: Buffer[] = [];
  for await (const part of chunkParts((async function* () { yield* chunks; })(), partSize)) parts.push(part);
  return parts;
}

describe('chunkParts', () => {
  test('regroups arbitrary chunks into full parts and a shorter last part, bytes unchanged', async () => {
    const bytes = Buffer.from(Array.from({ length: 23 }, (_, i) => i));
    const parts = await partsOf([bytes.subarray(0, 3), bytes.subarray(3, 17), bytes.subarray(17)], 5);
    assert.deepEqual(parts.map((part) => part.length), [5, 5, 5, 5, 3]);
    assert.deepEqual(Buffer.concat(parts), bytes);
  });

  test('an exact multiple ends with a full part; an empty stream yields no part', async () => {
    assert.deepEqual((await partsOf([Buffer.alloc(10)], 5)).map((part) => part.length), [5, 5]);
    assert.deepEqual(await partsOf([], 5), []);
  });

  test('pulls the source lazily: one part ahead at most', async () => {
    let pulled = 0;
    async function* source(): AsyncGenerator<Buffer> {
      for (let i = 0; i < 100; i++) {
        pulled += 1;
        yield Buffer.alloc(1);
      }
    }
    const parts = chunkParts(source(), 10);
    await parts.next();
    assert.equal(pulled, 10);
    await parts.return(undefined);
  });
});
