import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rename, rm, stat, utimes, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { LENT_BUFFER_SIZE } from '../buffer-pool';
import { objectStoreConformance } from '../conformance/object-store-conformance';
import { InvalidObjectKeyError, StorageUnavailableError } from '../errors';
import { FilesystemObjectStore } from './filesystem-object-store';
import { openUnder } from './testing/open-descriptors';

const newRoot = (): Promise<string> => mkdtemp(join(tmpdir(), 'pacs-fs-store-'));
const sourceOf = (...chunks: Buffer[]): Readable => Readable.from(chunks, { objectMode: false });
const sha256Of = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function keysOf(store: FilesystemObjectStore, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const entry of store.list(prefix)) keys.push(entry.key);
  return keys;
}

objectStoreConformance('filesystem', async () => {
  const root = await newRoot();
  return { store: new FilesystemObjectStore({ root }), dispose: () => rm(root, { recursive: true, force: true }) };
});

describe('FilesystemObjectStore', () => {
  let root: string;
  let store: FilesystemObjectStore;

  before(async () => {
    root = await newRoot();
    store = new FilesystemObjectStore({ root });
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  test('objects are plain files at <root>/<key>, readable without the store', async () => {
    const bytes = Buffer.from('DICM payload');
    await store.put('studies/1.2.3/series/4.5/6.7.dcm', sourceOf(bytes));
    assert.deepEqual(await readFile(join(root, 'studies/1.2.3/series/4.5/6.7.dcm')), bytes);
  });

  test('borrow closes every descriptor it opens: lent, streamed to the end, a stream given up early, an absent key', async () => {
    const openUnderRoot = (): number => openUnder(root);
    const settled = async (): Promise<number> => {
      for (let i = 0; i < 200 && openUnderRoot() > 0; i++) await new Promise((r) => setTimeout(r, 10));
      return openUnderRoot();
    };
    await store.put('fds/small', sourceOf(Buffer.alloc(1000, 1)));
    await store.put('fds/large', sourceOf(Buffer.alloc(LENT_BUFFER_SIZE + 10, 2)));
    await store.close(); // its spare temp files are descriptors under the root too
    for (let i = 0; i < 20; i++) {
      const lent = await store.borrow('fds/small');
      assert.ok(!(lent instanceof Readable));
      lent.giveBack();
    }
    assert.equal(openUnderRoot(), 0, 'a lent object leaves nothing open');
    const whole = await store.borrow('fds/large');
    assert.ok(whole instanceof Readable);
    for await (const chunk of whole) void chunk;
    const abandoned = await store.borrow('fds/large');
    assert.ok(abandoned instanceof Readable);
    abandoned.destroy();
    await assert.rejects(store.borrow('fds/absent'));
    assert.equal(await settled(), 0, 'streams read to the end or destroyed close their descriptor');
  });

  test('a writer killed mid-put leaves only a temp file, never the object; removeAbandonedUploads removes it', async () => {
    const key = 'killed/1.2.3.dcm';
    const writer = spawn(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(new URL('./testing/killed-writer.ts', import.meta.url)), root, key],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const exited = new Promise((resolve) => writer.once('exit', resolve));
    await new Promise<void>((resolve, reject) => {
      writer.stdout.on('data', (data: Buffer) => {
        if (data.toString().includes('stalled')) resolve();
      });
      writer.once('exit', (code) => reject(new Error(`writer exited (${String(code)}) before stalling`)));
    });
    writer.kill('SIGKILL');
    await exited;

    assert.equal(await store.head(key), null);
    assert.deepEqual(await keysOf(store, 'killed/'), []);
    await store.close();
    const leftovers = await readdir(join(root, '.tmp'));
    assert.equal(leftovers.length, 1, 'the interrupted write is a temp file');
    assert.equal(await store.removeAbandonedUploads(0), 1);
    assert.deepEqual(await readdir(join(root, '.tmp')), []);
  });

  test('removeAbandonedUploads keeps temp files younger than the threshold', async () => {
    const old = join(root, '.tmp', 'old.data');
    const fresh = join(root, '.tmp', 'fresh.data');
    await writeFile(old, 'x');
    await writeFile(fresh, 'y');
    await store.close();
    const twoHoursAgo = new Date(Date.now() - 2 * 3600_000);
    await utimes(old, twoHoursAgo, twoHoursAgo);
    assert.equal(await store.removeAbandonedUploads(3600_000), 1);
    assert.deepEqual(await readdir(join(root, '.tmp')), ['fresh.data']);
    await store.removeAbandonedUploads(0);
  });

  test('list skips temp files, digest records and names that are not valid keys', async () => {
    const base = await newRoot();
    const isolated = new FilesystemObjectStore({ root: base });
    try {
      await isolated.put('a/1', sourceOf(Buffer.from('1')));
      await writeFile(join(base, '.tmp', 'leftover.data'), 'partial');
      await writeFile(join(base, 'has space'), 'foreign');
      await writeFile(join(base, '.hidden'), 'foreign');
      await mkdir(join(base, 'a', 'ünï'));
      await writeFile(join(base, 'a', 'ünï', 'x'), 'foreign');
      assert.deepEqual(await keysOf(isolated, ''), ['a/1']);
    } finally {
      await rm(base, { recursive: true, force: true });
    }
  });

  test('list yields keys in S3 byte order, also where directories and names interleave', async () => {
    const keys = ['order/a/1', 'order/a-c', 'order/a.b', 'order/ab', 'order/a/sub/3', 'order/b/4', 'order/a/2'];
    for (const key of keys) await store.put(key, sourceOf(Buffer.from(key)));
    // '-' (0x2d) < '.' (0x2e) < '/' (0x2f) < 'b': the directory "a" sorts as "a/".
    assert.deepEqual(await keysOf(store, 'order/'), [...keys].sort());
    assert.deepEqual(await keysOf(store, 'order/a'), ['order/a-c', 'order/a.b', 'order/a/1', 'order/a/2', 'order/a/sub/3', 'order/ab']);
  });

  test('concurrent puts to one key leave exactly one of them, complete', async () => {
    const key = 'race/instance';
    const first = Buffer.alloc(300_000, 0x61);
    const second = Buffer.alloc(700_000, 0x62);
    await Promise.all([store.put(key, sourceOf(first)), store.put(key, sourceOf(second))]);
    const stored = await readAll(await store.get(key));
    assert.ok(stored.equals(first) || stored.equals(second), 'stored bytes are one whole object, not a mix');
    const head = await store.head(key);
    assert.ok(head?.sha256 === null || head?.sha256 === sha256Of(stored), 'a recorded digest always matches the bytes');
  });

  test('a put with nothing to keep beside the data (recordDigest false, no metadata) creates no record file', async () => {
    const bytes = Buffer.from('caller keeps the digest');
    const result = await store.put('unrecorded/1', sourceOf(bytes), { recordDigest: false });
    assert.equal(result.sha256, sha256Of(bytes));
    await assert.rejects(readdir(join(root, '.meta', 'unrecorded')), { code: 'ENOENT' });
    const head = await store.head('unrecorded/1');
    assert.deepEqual({ ...head, lastModified: undefined }, { size: bytes.length, lastModified: undefined, contentType: 'application/octet-stream', metadata: {}, sha256: null });
    await store.put('unrecorded/2', sourceOf(bytes), { recordDigest: false, metadata: { tier: 'fast' } });
    assert.deepEqual(await readdir(join(root, '.meta', 'unrecorded')), ['2'], 'metadata needs the record, which carries the digest too');
    assert.equal((await store.head('unrecorded/2'))?.sha256, sha256Of(bytes));
    // A record left by an earlier object under the key describes another file: not trusted.
    await store.put('unrecorded/2', sourceOf(Buffer.from('newer')), { recordDigest: false });
    assert.deepEqual(await store.head('unrecorded/2').then((h) => [h?.sha256, h?.metadata]), [null, {}]);
    // The same inode number and size, another file (the number reused): the creation time differs.
    // (Forged a millisecond off: two files created within one tick of the kernel's coarse clock
    // may be born at the same time, as the store's files opened ahead of their puts can be.)
    const { ino, size, birthtimeNs } = await stat(join(root, 'unrecorded/2'), { bigint: true });
    const forged = { ...JSON.parse(await readFile(join(root, '.meta', 'unrecorded/2'), 'utf8')), ino: ino.toString(), size: Number(size), born: (birthtimeNs - 1_000_000n).toString() };
    await writeFile(join(root, '.meta', 'unrecorded/2'), JSON.stringify(forged));
    assert.equal((await store.head('unrecorded/2'))?.sha256, null, 'a record of the reused inode number is not trusted');
    await store.delete('unrecorded/1');
    await store.delete('unrecorded/2');
    await assert.rejects(readdir(join(root, '.meta', 'unrecorded')), { code: 'ENOENT' });
  });

  test('a digest record describing another file is not trusted (crash between the two renames)', async () => {
    const key = 'stale/instance';
    await store.put(key, sourceOf(Buffer.from('original')), { metadata: { version: '1' } });
    const replacement = join(root, '.tmp', 'replacement');
    await writeFile(replacement, 'replaced');
    await rename(replacement, join(root, key));
    const head = await store.head(key);
    assert.equal(head?.size, 'replaced'.length);
    assert.equal(head?.sha256, null);
    assert.deepEqual(head?.metadata, {});
  });

  test('after a put, the next one writes into a temp file opened ahead; spares grow to the puts at once; close() removes them, the commit threads\' too', async () => {
    const base = await newRoot();
    const spared = new FilesystemObjectStore({ root: base });
    const tempFiles = () => readdir(join(base, '.tmp'));
    const until = async (check: (names: string[]) => boolean) => {
      for (let i = 0; i < 500 && !check(await tempFiles()); i++) await new Promise((r) => setTimeout(r, 10));
    };
    try {
      await spared.put('spare/1', sourceOf(Buffer.from('first')));
      await until((names) => names.length === 1);
      const ahead = await tempFiles();
      assert.equal(ahead.length, 1, 'one temp file opened ahead');
      const bytes = Buffer.alloc(300_000, 7);
      await spared.put('spare/2', sourceOf(bytes.subarray(0, 100_000), bytes.subarray(100_000)));
      assert.deepEqual(await readFile(join(base, 'spare/2')), bytes);
      assert.equal((await spared.head('spare/2'))?.sha256, sha256Of(bytes));
      assert.ok(!(await tempFiles()).includes(ahead[0] as string), 'the put wrote into the file opened ahead');
      // Four at once: each replaces what it took, up to four spares.
      await Promise.all([3, 4, 5, 6].map((n) => spared.put(`spare/${n}`, sourceOf(Buffer.from(String(n))))));
      await until((names) => names.length === 4);
      assert.equal((await tempFiles()).length, 4);
      await Promise.all([7, 8, 9, 10, 11, 12].map((n) => spared.put(`spare/${n}`, sourceOf(Buffer.from(String(n))))));
      await new Promise((r) => setTimeout(r, 50));
      assert.ok((await tempFiles()).length <= 4, 'never more than four');
      // A small put with no record is written by a commit thread into a file the thread opened;
      // the thread then opens one for its next such put.
      const before = await tempFiles();
      await spared.put('spare/small', sourceOf(Buffer.from('small')), { recordDigest: false });
      assert.equal((await readFile(join(base, 'spare/small'))).toString(), 'small');
      await until((names) => names.length === before.length + 1);
      assert.equal((await tempFiles()).length, before.length + 1, 'the thread opened its next file');
      // The sweep of abandoned uploads leaves the spares this store holds, its threads' too.
      assert.equal(await spared.removeAbandonedUploads(0), 0);
      await spared.close();
      assert.deepEqual(await tempFiles(), []);
      assert.equal(openUnder(base), 0, 'no spare descriptor left open');
      await spared.put('spare/13', sourceOf(Buffer.from('after close')));
      assert.equal((await readFile(join(base, 'spare/13'))).toString(), 'after close');
      assert.deepEqual(await tempFiles(), [], 'a closed store opens no spares');
    } finally {
      await spared.close();
      await rm(base, { recursive: true, force: true });
    }
  });

  test('a put that fails removes its temp file, spare or not', async () => {
    const base = await newRoot();
    const fresh = new FilesystemObjectStore({ root: base });
    try {
      const broken = new Readable({ read() { this.destroy(new Error('peer went away')); } });
      await fresh.put('f/ok', sourceOf(Buffer.from('ok'))); // opens a spare the failing put may take
      await assert.rejects(fresh.put('f/broken', broken), /peer went away/);
      await fresh.close();
      assert.deepEqual(await readdir(join(base, '.tmp')), []);
      assert.equal(await fresh.head('f/broken'), null);
    } finally {
      await rm(base, { recursive: true, force: true });
    }
  });

  test('a key that would turn an object into a directory (or back) is rejected', async () => {
    await store.put('conflict/x', sourceOf(Buffer.from('x')));
    await assert.rejects(store.put('conflict/x/y', sourceOf(Buffer.from('y'))), InvalidObjectKeyError);
    await assert.rejects(store.put('conflict', sourceOf(Buffer.from('z'))), InvalidObjectKeyError);
    assert.equal(await store.head('conflict'), null);
    await store.close();
    assert.deepEqual(await readdir(join(root, '.tmp')), []);
  });

  test('delete prunes directories left empty', async () => {
    await store.put('prune/a/b/c', sourceOf(Buffer.from('c')));
    await store.delete('prune/a/b/c');
    assert.equal((await readdir(root)).includes('prune'), false);
    assert.equal((await readdir(join(root, '.meta'))).includes('prune'), false);
  });

  test('a missing root is "unavailable" for every operation and is not created; invalid keys still fail first', async () => {
    const missing = join(root, 'not-mounted');
    const unmounted = new FilesystemObjectStore({ root: missing });
    await assert.rejects(unmounted.ping(), StorageUnavailableError);
    await assert.rejects(unmounted.put('a/b', sourceOf(Buffer.from('x'))), StorageUnavailableError);
    await assert.rejects(unmounted.head('a/b'), StorageUnavailableError, 'not "absent": the volume is missing');
    await assert.rejects(unmounted.get('a/b'), StorageUnavailableError);
    await assert.rejects(unmounted.delete('a/b'), StorageUnavailableError);
    await assert.rejects(keysOf(unmounted, ''), StorageUnavailableError);
    await assert.rejects(unmounted.put('../b', sourceOf(Buffer.from('x'))), InvalidObjectKeyError);
    assert.equal((await readdir(root)).includes('not-mounted'), false);
    assert.match(unmounted.describe(), /^filesystem:/);
  });
});
