import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, test } from 'node:test';
import { ByteDigest, digested } from './byte-digest';
import { ObjectSourceError } from './errors';

const drain = async (chunks: AsyncIterable<Buffer>): Promise<Buffer[]> => {
  const seen: Buffer[] = [];
  for await (const chunk of chunks) seen.push(chunk);
  return seen;
};

describe('ByteDigest', () => {
  test('reports size and SHA-256 of everything that passed, unchanged', async () => {
    const chunks = [Buffer.from('DICM'), Buffer.alloc(100_000, 7), Buffer.from([0])];
    const digest = new ByteDigest('k', undefined);
    const seen = await drain(digested(Readable.from(chunks), digest));
    const bytes = Buffer.concat(chunks);
    assert.deepEqual(digest.result(), { size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') });
    assert.deepEqual(Buffer.concat(seen), bytes);
  });

  test('fails as soon as the declared size is exceeded (the source destroyed), and at the end when it is not reached', async () => {
    const source = Readable.from([Buffer.alloc(2), Buffer.alloc(2), Buffer.alloc(2)]);
    await assert.rejects(drain(digested(source, new ByteDigest('k', 3))), (error: unknown) => error instanceof ObjectSourceError && error.reason === 'size-mismatch');
    assert.equal(source.destroyed, true);
    await assert.rejects(drain(digested(Readable.from([Buffer.alloc(4)]), new ByteDigest('k', 5))), ObjectSourceError);
  });

  test('a failing source fails the iteration', async () => {
    const source = new Readable({ read() { this.destroy(new Error('peer gone')); } });
    await assert.rejects(drain(digested(source, new ByteDigest('k', undefined))), /peer gone/);
  });

  test('has no result before the source ended', () => {
    assert.throws(() => new ByteDigest('k', undefined).result());
  });
});
