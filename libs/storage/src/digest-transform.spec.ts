import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, test } from 'node:test';
import { DigestTransform } from './digest-transform';
import { ObjectSourceError } from './errors';

const discard = (): Writable => new Writable({ write: (_chunk, _encoding, callback) => callback() });

describe('DigestTransform', () => {
  test('reports size and SHA-256 of everything that passed, unchanged', async () => {
    const chunks = [Buffer.from('DICM'), Buffer.alloc(100_000, 7), Buffer.from([0])];
    const digest = new DigestTransform('k', undefined);
    const seen: Buffer[] = [];
    await pipeline(Readable.from(chunks), digest, new Writable({ write: (chunk: Buffer, _e, cb) => (seen.push(chunk), cb()) }));
    const bytes = Buffer.concat(chunks);
    assert.deepEqual(digest.result(), { size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') });
    assert.deepEqual(Buffer.concat(seen), bytes);
  });

  test('fails as soon as the declared size is exceeded, and at the end when it is not reached', async () => {
    const over = new DigestTransform('k', 3);
    await assert.rejects(pipeline(Readable.from([Buffer.alloc(2), Buffer.alloc(2)]), over, discard()), (error: unknown) => {
      return error instanceof ObjectSourceError && error.reason === 'size-mismatch';
    });
    const under = new DigestTransform('k', 5);
    await assert.rejects(pipeline(Readable.from([Buffer.alloc(4)]), under, discard()), ObjectSourceError);
  });

  test('has no result before the stream ended', () => {
    assert.throws(() => new DigestTransform('k', undefined).result());
  });
});
