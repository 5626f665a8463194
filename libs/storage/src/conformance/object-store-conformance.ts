import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import {
  InvalidObjectKeyError,
  InvalidObjectMetadataError,
  ObjectNotFoundError,
  ObjectRangeNotSatisfiableError,
  ObjectSourceError,
} from '../errors';
import { LENT_BUFFER_SIZE } from '../buffer-pool';
import type { ObjectStore, PutObjectOptions } from '../object-store';

export interface ObjectStoreFixture {
  store: ObjectStore;
  /** Stops whatever makeStore started and removes its data. */
  dispose(): Promise<void>;
}

const MB = 1024 * 1024;

const sha256Of = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

const sourceOf = (...chunks: Buffer[]): Readable => Readable.from(chunks, { objectMode: false });

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function digestOf(stream: Readable): Promise<{ size: number; sha256: string }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of stream) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { size, sha256: hash.digest('hex') };
}

async function keysOf(store: ObjectStore, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const entry of store.list(prefix)) keys.push(entry.key);
  return keys;
}

/** Deterministic, non-repeating-looking bytes: chunk `index` of a test object. */
function patternChunk(index: number, size: number): Buffer {
  const chunk = Buffer.allocUnsafe(size);
  for (let offset = 0; offset + 4 <= size; offset += 4) chunk.writeUInt32LE((index * 2654435761 + offset) >>> 0, offset);
  return chunk;
}

/** Emits `bytesBeforeError` bytes, then fails like a dropped association would. */
function failingSource(bytesBeforeError: number): Readable {
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= bytesBeforeError) {
        this.destroy(new Error('peer aborted the association'));
        return;
      }
      const size = Math.min(256 * 1024, bytesBeforeError - sent);
      sent += size;
      this.push(patternChunk(sent, size));
    },
  });
}

/** Runs `work` over `items` with at most `limit` in flight. */
async function inParallel<T>(items: T[], limit: number, work: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await work(items[next++] as T);
  };
  await Promise.all(Array.from({ length: limit }, worker));
}

/**
 * The behaviour every ObjectStore adapter must show, as node:test cases. Call it at the top level
 * of an integration spec; `makeStore` runs once before the cases, `dispose` once after them.
 */
export function objectStoreConformance(name: string, makeStore: () => Promise<ObjectStoreFixture>): void {
  describe(`ObjectStore conformance: ${name}`, () => {
    let fixture: ObjectStoreFixture | undefined;
    const store = (): ObjectStore => {
      assert.ok(fixture, 'makeStore() did not complete');
      return fixture.store;
    };
    const run = randomBytes(4).toString('hex');
    const prefix = (testName: string): string => `conformance-${run}/${testName}/`;

    before(async () => {
      fixture = await makeStore();
    });
    after(async () => {
      await fixture?.store.close();
      await fixture?.dispose();
    });

    test('ping() resolves and describe() names the store', async () => {
      await store().ping();
      assert.match(store().describe(), /\S/);
    });

    test('put → get round trip: size and SHA-256 describe exactly the bytes stored', async () => {
      const key = `${prefix('round-trip')}1.2.840.10008.5.1.4.1.1.2.dcm`;
      const chunks = [patternChunk(1, 1000), patternChunk(2, 70_000), patternChunk(3, 3)];
      const bytes = Buffer.concat(chunks);
      const result = await store().put(key, sourceOf(...chunks), {
        contentType: 'application/dicom',
        metadata: { 'sop-instance-uid': '1.2.3.4', 'transfer-syntax': '1.2.840.10008.1.2.1' },
      });
      assert.deepEqual(result, { key, size: bytes.length, sha256: sha256Of(bytes) });
      assert.deepEqual(await readAll(await store().get(key)), bytes);
      const head = await store().head(key);
      assert.ok(head);
      assert.equal(head.size, bytes.length);
      assert.equal(head.sha256, sha256Of(bytes));
      assert.equal(head.contentType, 'application/dicom');
      assert.deepEqual(head.metadata, { 'sop-instance-uid': '1.2.3.4', 'transfer-syntax': '1.2.840.10008.1.2.1' });
      assert.ok(head.lastModified instanceof Date && !Number.isNaN(head.lastModified.getTime()));
    });

    test('a put whose caller keeps the digest (recordDigest false) returns it; head reports it or unknown, never another', async () => {
      for (const [label, options] of [
        ['plain', { recordDigest: false }],
        ['with metadata', { recordDigest: false, contentType: 'application/dicom', metadata: { tier: 'fast' } }],
      ] as const) {
        const key = `${prefix('caller-digest')}${label.replace(' ', '-')}`;
        const bytes = patternChunk(label.length, 30_000);
        const result = await store().put(key, sourceOf(bytes), options);
        assert.deepEqual(result, { key, size: bytes.length, sha256: sha256Of(bytes) });
        assert.deepEqual(await readAll(await store().get(key)), bytes);
        const head = await store().head(key);
        assert.equal(head?.size, bytes.length);
        assert.ok(head.sha256 === null || head.sha256 === sha256Of(bytes), `${label}: digest unknown or right`);
        if ('metadata' in options) {
          assert.equal(head.contentType, 'application/dicom', `${label}: content type kept`);
          assert.deepEqual(head.metadata, { tier: 'fast' }, `${label}: metadata kept`);
        }
      }
    });

    test('objects around common read sizes round-trip byte for byte, through get and borrow', async () => {
      for (const size of [1, 65_535, 65_536, 262_143, 262_144, 262_145, LENT_BUFFER_SIZE - 1, LENT_BUFFER_SIZE, 4 * MB, 4 * MB + 1]) {
        const key = `${prefix('sizes')}${size}`;
        const bytes = patternChunk(size % 251, size);
        await store().put(key, sourceOf(bytes));
        assert.deepEqual(await readAll(await store().get(key)), bytes, `get of ${size} bytes`);
        const borrowed = await store().borrow(key);
        if (size < LENT_BUFFER_SIZE) {
          assert.ok(!(borrowed instanceof Readable), `${size} bytes are lent whole`);
          assert.deepEqual(borrowed.bytes, bytes, `borrow of ${size} bytes`);
          borrowed.giveBack();
        } else {
          assert.ok(borrowed instanceof Readable, `${size} bytes are streamed`);
          assert.deepEqual(await readAll(borrowed), bytes, `borrow of ${size} bytes`);
        }
      }
    });

    test('borrow: a buffer given back holds exactly the next object lent in it; an absent object is ObjectNotFoundError', async () => {
      const large = patternChunk(7, 300_000);
      const small = patternChunk(8, 1_000);
      await store().put(`${prefix('borrow')}large`, sourceOf(large));
      await store().put(`${prefix('borrow')}small`, sourceOf(small));
      const first = await store().borrow(`${prefix('borrow')}large`);
      assert.ok(!(first instanceof Readable));
      first.giveBack();
      first.giveBack(); // a second give-back changes nothing: the buffer is lent once below
      const [a, b] = await Promise.all([store().borrow(`${prefix('borrow')}small`), store().borrow(`${prefix('borrow')}large`)]);
      assert.ok(!(a instanceof Readable) && !(b instanceof Readable));
      assert.deepEqual(a.bytes, small);
      assert.deepEqual(b.bytes, large);
      a.giveBack();
      b.giveBack();
      await assert.rejects(store().borrow(`${prefix('borrow')}never-stored`), ObjectNotFoundError);
    });

    test('an empty object round-trips with the SHA-256 of no bytes', async () => {
      const key = `${prefix('empty')}zero`;
      const result = await store().put(key, sourceOf(), { size: 0 });
      assert.deepEqual(result, { key, size: 0, sha256: sha256Of(Buffer.alloc(0)) });
      assert.equal((await readAll(await store().get(key))).length, 0);
      assert.equal((await store().head(key))?.size, 0);
    });

    test('a 200 MB object streams through put and get with bounded memory', async (t) => {
      const key = `${prefix('large')}wsi.dcm`;
      const chunkSize = 64 * 1024;
      const chunkCount = (200 * MB) / chunkSize;
      const expected = createHash('sha256');
      const baseline = process.memoryUsage.rss();
      let peak = baseline;
      const template = patternChunk(0, chunkSize);
      async function* generate(): AsyncGenerator<Buffer> {
        for (let index = 0; index < chunkCount; index++) {
          // A fresh buffer per chunk (as a socket would hand out), unique at the front.
          const chunk = Buffer.allocUnsafe(chunkSize);
          template.copy(chunk);
          chunk.writeUInt32LE(index, 0);
          expected.update(chunk);
          if (index % 64 === 0) peak = Math.max(peak, process.memoryUsage.rss());
          yield chunk;
        }
      }
      const result = await store().put(key, Readable.from(generate(), { objectMode: false }));
      peak = Math.max(peak, process.memoryUsage.rss());
      const sha256 = expected.digest('hex');
      assert.deepEqual(result, { key, size: 200 * MB, sha256 });
      t.diagnostic(`RSS grew by ${Math.round((peak - baseline) / MB)} MB while storing 200 MB`);
      assert.ok(peak - baseline < 150 * MB, `RSS grew by ${Math.round((peak - baseline) / MB)} MB while storing 200 MB`);

      assert.deepEqual(await digestOf(await store().get(key)), { size: 200 * MB, sha256 });
      assert.equal((await store().head(key))?.sha256, sha256);
      await store().delete(key);
    });

    test('range get returns exactly the requested bytes; end is inclusive and clamped', async () => {
      const key = `${prefix('range')}frames`;
      const bytes = patternChunk(7, 10_000);
      await store().put(key, sourceOf(bytes));
      const read = async (start?: number, end?: number): Promise<Buffer> => readAll(await store().get(key, { start, end }));
      assert.deepEqual(await read(100, 199), bytes.subarray(100, 200));
      assert.deepEqual(await read(9_990), bytes.subarray(9_990));
      assert.deepEqual(await read(undefined, 9), bytes.subarray(0, 10));
      assert.deepEqual(await read(9_000, 50_000), bytes.subarray(9_000));
      assert.deepEqual(await read(9_999, 9_999), bytes.subarray(9_999));
      await assert.rejects(store().get(key, { start: 10_000 }), ObjectRangeNotSatisfiableError);
      await assert.rejects(store().get(key, { start: 20, end: 10 }), ObjectRangeNotSatisfiableError);
      await assert.rejects(store().get(key, { start: -1 }), ObjectRangeNotSatisfiableError);
    });

    test('head of a missing object is null; get of it rejects with ObjectNotFoundError', async () => {
      const key = `${prefix('missing')}never-stored`;
      assert.equal(await store().head(key), null);
      await assert.rejects(store().get(key), (error: unknown) => error instanceof ObjectNotFoundError && error.key === key);
      await assert.rejects(store().get(key, { start: 5 }), ObjectNotFoundError);
      // A prefix of another key is not an object (a directory, on a filesystem).
      await store().put(`${key}/below`, sourceOf(Buffer.from('x')));
      await assert.rejects(store().get(key), ObjectNotFoundError);
      await assert.rejects(store().get(key, { start: 0 }), ObjectNotFoundError);
      await store().delete(`${key}/below`);
    });

    test('delete removes the object and is idempotent', async () => {
      const key = `${prefix('delete')}a/b/c`;
      await store().delete(key);
      await store().put(key, sourceOf(Buffer.from('x')));
      await store().delete(key);
      assert.equal(await store().head(key), null);
      await assert.rejects(store().get(key), ObjectNotFoundError);
      assert.deepEqual(await keysOf(store(), prefix('delete')), []);
      await store().delete(key);
    });

    test('list(prefix) is a plain string prefix and reports sizes', async () => {
      const base = prefix('list');
      const keys = ['a/1', 'a/2', 'a.b', 'ab', 'a/sub/3', 'b/4', 'a-c'];
      for (const [index, key] of keys.entries()) await store().put(`${base}${key}`, sourceOf(Buffer.alloc(index + 1)));
      // Sets, not sequences, where keys and "directories" interleave: s3rver (unlike S3) lists
      // a/… before a-c. Strict order is asserted on flat keys below and per adapter elsewhere.
      const sortedKeysOf = async (listed: string): Promise<string[]> => (await keysOf(store(), listed)).sort();
      assert.deepEqual(await sortedKeysOf(base), [...keys].sort().map((key) => `${base}${key}`));
      assert.deepEqual(await keysOf(store(), `${base}a/`), ['a/1', 'a/2', 'a/sub/3'].map((key) => `${base}${key}`));
      assert.deepEqual(await sortedKeysOf(`${base}a`), ['a-c', 'a.b', 'a/1', 'a/2', 'a/sub/3', 'ab'].map((key) => `${base}${key}`));
      assert.deepEqual(await keysOf(store(), `${base}a/s`), [`${base}a/sub/3`]);
      assert.deepEqual(await keysOf(store(), `${base}zzz`), []);
      const sizes = new Map<string, number>();
      for await (const entry of store().list(base)) {
        sizes.set(entry.key, entry.size);
        assert.ok(entry.lastModified instanceof Date);
      }
      assert.equal(sizes.get(`${base}b/4`), 6);
    });

    test('list pages through more than 1000 keys in ascending order and can be abandoned early', async () => {
      const base = prefix('many');
      const keys = Array.from({ length: 1100 }, (_, index) => `${base}${String(index).padStart(5, '0')}`);
      await inParallel(keys, 16, (key) => store().put(key, sourceOf(Buffer.from(key.slice(-2)))));
      const listed: string[] = [];
      for await (const entry of store().list(base)) {
        listed.push(entry.key);
        assert.equal(entry.size, 2);
      }
      assert.deepEqual(listed, keys);
      let seen = 0;
      for await (const _entry of store().list(base)) {
        if (++seen === 3) break;
      }
      assert.equal(seen, 3);
    });

    test('a source failing half-way rejects the put and leaves no object under the key', async () => {
      for (const [label, bytes] of [
        ['small', 40_000],
        ['large', 12 * MB],
      ] as const) {
        const key = `${prefix('source-error')}${label}`;
        const source = failingSource(bytes);
        await assert.rejects(store().put(key, source), (error: unknown) => error instanceof ObjectSourceError && error.reason === 'stream-error');
        assert.ok(source.destroyed);
        assert.equal(await store().head(key), null, `${label}: nothing visible after a failed put`);
        await assert.rejects(store().get(key), ObjectNotFoundError);
      }
      assert.deepEqual(await keysOf(store(), prefix('source-error')), []);
    });

    test('a failed overwrite leaves the previous object intact', async () => {
      const key = `${prefix('failed-overwrite')}instance`;
      const original = patternChunk(11, 50_000);
      await store().put(key, sourceOf(original));
      await assert.rejects(store().put(key, failingSource(12 * MB)), ObjectSourceError);
      await assert.rejects(store().put(key, failingSource(1_000)), ObjectSourceError);
      assert.deepEqual(await readAll(await store().get(key)), original);
      assert.equal((await store().head(key))?.sha256, sha256Of(original));
    });

    test('a source delivering more or fewer bytes than the declared size is rejected and not stored', async () => {
      const key = `${prefix('size-mismatch')}instance`;
      const isMismatch = (error: unknown): boolean => error instanceof ObjectSourceError && error.reason === 'size-mismatch';
      await assert.rejects(store().put(key, sourceOf(Buffer.alloc(10)), { size: 11 }), isMismatch);
      await assert.rejects(store().put(key, sourceOf(Buffer.alloc(10)), { size: 9 }), isMismatch);
      assert.equal(await store().head(key), null);
      assert.equal((await store().put(key, sourceOf(Buffer.alloc(10)), { size: 10 })).size, 10);
    });

    test('invalid keys are rejected before any I/O and before the source is read', async () => {
      const invalid = ['../x', '/abs', 'a//b', 'a/./b', 'a/../b', '.', '..', '', 'a/', 'x'.repeat(2000), 'a\\b', 'a\0b', 'a b', 'é'];
      for (const key of invalid) {
        let touched = false;
        const source = new Readable({
          read() {
            touched = true;
            this.push(null);
          },
        });
        await assert.rejects(store().put(key, source), InvalidObjectKeyError, `put ${JSON.stringify(key.slice(0, 20))}`);
        assert.equal(touched, false);
        assert.equal(source.destroyed, false);
        await assert.rejects(store().get(key), InvalidObjectKeyError);
        await assert.rejects(store().head(key), InvalidObjectKeyError);
        await assert.rejects(store().delete(key), InvalidObjectKeyError);
      }
      for (const bad of ['../', '/', 'a//', '..']) {
        await assert.rejects(keysOf(store(), bad), InvalidObjectKeyError, `list ${bad}`);
      }
    });

    test('invalid metadata and content types are rejected before the source is read', async () => {
      const key = `${prefix('metadata')}instance`;
      const invalidOptions: PutObjectOptions[] = [
        { metadata: { 'Upper-Case': 'x' } },
        { metadata: { sha256: 'forged' } },
        { metadata: { note: 'naïve' } },
        { metadata: { note: ' padded' } },
        { metadata: { big: 'x'.repeat(3000) } },
        { contentType: 'text/plain\r\nx-injected: 1' },
        { size: -1 },
      ];
      for (const options of invalidOptions) {
        await assert.rejects(store().put(key, failingSource(0), options), InvalidObjectMetadataError, JSON.stringify(options).slice(0, 60));
      }
      assert.equal(await store().head(key), null);
    });

    test('concurrent puts of different keys each store their own bytes', async () => {
      const base = prefix('concurrent');
      const objects = Array.from({ length: 12 }, (_, index) => ({ key: `${base}${index}`, bytes: patternChunk(100 + index, 30_000 + index * 997) }));
      const results = await Promise.all(objects.map(({ key, bytes }) => store().put(key, sourceOf(bytes))));
      for (const [index, { key, bytes }] of objects.entries()) {
        assert.equal(results[index]?.sha256, sha256Of(bytes));
        assert.deepEqual(await readAll(await store().get(key)), bytes);
      }
    });

    test('overwriting a key leaves exactly the newest complete object', async () => {
      const key = `${prefix('overwrite')}instance`;
      const larger = patternChunk(21, 90_000);
      const smaller = patternChunk(22, 1_234);
      await store().put(key, sourceOf(larger), { metadata: { version: '1' } });
      const result = await store().put(key, sourceOf(smaller), { metadata: { version: '2' } });
      assert.equal(result.sha256, sha256Of(smaller));
      assert.deepEqual(await readAll(await store().get(key)), smaller);
      const head = await store().head(key);
      assert.equal(head?.size, smaller.length);
      assert.equal(head?.sha256, sha256Of(smaller));
      assert.deepEqual(head?.metadata, { version: '2' });
      assert.deepEqual(await keysOf(store(), prefix('overwrite')), [key]);
    });
  });
}
