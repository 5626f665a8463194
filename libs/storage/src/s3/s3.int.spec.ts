import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { createConnection, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { Client } from 'minio';
import { S3RVER_CREDENTIALS, startS3rver, type RunningS3 } from '@pacs/testing';
import { objectStoreConformance } from '../conformance/object-store-conformance';
import { InvalidObjectKeyError, StorageUnavailableError } from '../errors';
import { S3ObjectStore } from './s3-object-store';
import type { S3ObjectStoreOptions } from './s3-options';

const MIB = 1024 * 1024;
const CREDENTIALS = S3RVER_CREDENTIALS;

const uniqueBucket = (): string => `pacs-test-${randomBytes(6).toString('hex')}`;

function storeOptions(port: number, overrides: Partial<S3ObjectStoreOptions> = {}): S3ObjectStoreOptions {
  return {
    endPoint: '127.0.0.1',
    port,
    useSSL: false,
    ...CREDENTIALS,
    bucket: uniqueBucket(),
    pathStyle: true,
    createBucket: true,
    partSize: 5 * MIB,
    requestTimeoutMs: 15_000,
    ...overrides,
  };
}

const sourceOf = (...chunks: Buffer[]): Readable => Readable.from(chunks, { objectMode: false });

/** A port nothing listens on: bound once by us, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Destroys the connections a test server accepted, then closes it. */
async function stopServer(server: Server, sockets: Set<Socket>): Promise<void> {
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => server.close(resolve));
}

/** Accepts TCP connections and never answers: a hung S3 endpoint. */
async function silentServer(): Promise<{ port: number; stop(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.resume();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, stop: () => stopServer(server, sockets) };
}

/**
 * A TCP proxy to `port`: every chunk a client sends passes through `inspect` first, which may
 * end the connection instead (returns false) or just look at the bytes.
 */
async function proxyTo(port: number, inspect: (chunk: Buffer, client: Socket) => boolean): Promise<{ port: number; stop(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const proxy = createServer((client) => {
    const upstream = createConnection(port, '127.0.0.1');
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => undefined);
    }
    upstream.pipe(client);
    client.on('data', (chunk: Buffer) => {
      if (inspect(chunk, client)) upstream.write(chunk);
      else upstream.destroy();
    });
    client.on('close', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  return { port: (proxy.address() as AddressInfo).port, stop: () => stopServer(proxy, sockets) };
}

objectStoreConformance('s3 (s3rver, path-style)', async () => {
  const s3 = await startS3rver();
  return { store: new S3ObjectStore(storeOptions(s3.port)), dispose: () => s3.stop() };
});

describe('S3ObjectStore', () => {
  let s3: RunningS3;

  before(async () => {
    s3 = await startS3rver();
  });
  after(async () => {
    await s3.stop();
  });

  test('the SHA-256 is stored as x-amz-meta-sha256 for single-PUT and multipart objects', async () => {
    const options = storeOptions(s3.port);
    const store = new S3ObjectStore(options);
    const raw = new Client({ endPoint: '127.0.0.1', port: s3.port, useSSL: false, ...CREDENTIALS, region: 'us-east-1', pathStyle: true });
    try {
      for (const [key, size] of [
        ['single/1.dcm', 100_000],
        ['multipart/2.dcm', 12 * MIB + 17],
      ] as const) {
        const bytes = randomBytes(size);
        const sha256 = createHash('sha256').update(bytes).digest('hex');
        const result = await store.put(key, sourceOf(bytes), { contentType: 'application/dicom', metadata: { modality: 'CT' } });
        assert.equal(result.sha256, sha256);
        const stat = await raw.statObject(options.bucket, key);
        assert.equal(stat.metaData['sha256'], sha256, `${key}: x-amz-meta-sha256`);
        assert.equal(stat.metaData['modality'], 'CT');
        assert.equal(stat.metaData['content-type'], 'application/dicom');
        assert.equal(stat.size, size);
      }
    } finally {
      await store.close();
    }
  });

  test('a multipart put whose caller keeps the digest (recordDigest false) skips the self-copy that would record it', async () => {
    const options = storeOptions(s3.port);
    const store = new S3ObjectStore(options);
    try {
      const bytes = randomBytes(12 * MIB + 17);
      const result = await store.put('caller-digest/1.dcm', sourceOf(bytes), { metadata: { tier: 'fast' }, recordDigest: false });
      assert.equal(result.sha256, createHash('sha256').update(bytes).digest('hex'));
      const head = await store.head('caller-digest/1.dcm');
      assert.equal(head?.sha256, null, 'no copy attached the digest');
      assert.deepEqual(head?.metadata, { tier: 'fast' }, 'metadata set when the upload started');
      assert.deepEqual(Buffer.concat(await (await store.get('caller-digest/1.dcm')).toArray()), bytes);
    } finally {
      await store.close();
    }
  });

  test('over plain HTTP every PUT is signed with its payload SHA-256 (the object digest for a single PUT), without MD5', async () => {
    // What each connection sent (parts may go up on connections of their own).
    const sent = new Map<Socket, string>();
    const proxy = await proxyTo(s3.port, (chunk, client) => {
      sent.set(client, (sent.get(client) ?? '') + chunk.toString('latin1'));
      return true;
    });
    const store = new S3ObjectStore(storeOptions(proxy.port));
    try {
      const single = randomBytes(100_000);
      const multipart = randomBytes(5 * MIB + 1000);
      await store.put('signed/single', sourceOf(single));
      await store.put('signed/multipart', sourceOf(multipart.subarray(0, 3 * MIB), multipart.subarray(3 * MIB)));
      const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');
      // The head of every PUT with a body the proxy saw (a request may follow the previous body
      // directly; the copy recording a multipart object's digest has none): its payload hash and
      // whether an MD5 went along.
      const puts = [...sent.values()].flatMap((bytes) => [...bytes.matchAll(/PUT (\/[^ ]+) HTTP\/1\.1\r\n((?:[^\r\n]+\r\n)*)\r\n/g)].map(([, path, head]) => ({
        path: (path as string).replace(/\?.*/, ''),
        payload: /^x-amz-content-sha256: *(.*)$/im.exec(head as string)?.[1],
        md5: /^content-md5:/im.test(head as string),
        copy: /^x-amz-copy-source:/im.test(head as string),
      }))).filter(({ path, copy }) => path.includes('/signed/') && !copy);
      assert.deepEqual(puts.map(({ path, payload, md5 }) => [path.replace(/^.*\/signed\//, ''), payload, md5]).sort(), [
        ['single', sha256(single), false],
        ['multipart', sha256(multipart.subarray(0, 5 * MIB)), false],
        ['multipart', sha256(multipart.subarray(5 * MIB)), false],
      ].sort());
      assert.deepEqual(Buffer.concat(await (await store.get('signed/single')).toArray()), single);
      assert.deepEqual(Buffer.concat(await (await store.get('signed/multipart')).toArray()), multipart);
    } finally {
      await store.close();
      await proxy.stop();
    }
  });

  test('replicas starting together on one missing bucket all create-or-find it', async () => {
    const bucket = uniqueBucket();
    const stores = Array.from({ length: 4 }, () => new S3ObjectStore(storeOptions(s3.port, { bucket })));
    try {
      const results = await Promise.allSettled(stores.map((store, i) => store.put(`race/${i}`, sourceOf(Buffer.from(`object ${i}`)))));
      assert.deepEqual(
        results.map((r) => r.status),
        ['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled'],
        JSON.stringify(results.filter((r) => r.status === 'rejected')),
      );
    } finally {
      await Promise.all(stores.map((store) => store.close()));
    }
  });

  test('a missing bucket without createBucket is "unavailable" for ping, put, get and list', async () => {
    const store = new S3ObjectStore(storeOptions(s3.port, { createBucket: false }));
    try {
      await assert.rejects(store.ping(), StorageUnavailableError);
      await assert.rejects(store.put('a/b', sourceOf(Buffer.from('x'))), StorageUnavailableError);
      await assert.rejects(store.get('a/b'), StorageUnavailableError);
      await assert.rejects(async () => {
        for await (const _entry of store.list('a/')) assert.fail('nothing to list');
      }, StorageUnavailableError);
    } finally {
      await store.close();
    }
  });

  test('unreachable endpoint (connection refused) → StorageUnavailableError from ping and put', async () => {
    const store = new S3ObjectStore(storeOptions(await closedPort(), { requestTimeoutMs: 2_000 }));
    try {
      await assert.rejects(store.ping(), StorageUnavailableError);
      const source = sourceOf(Buffer.alloc(1000));
      await assert.rejects(store.put('a/b', source), StorageUnavailableError);
      assert.ok(source.destroyed, 'the source is released on failure');
      await assert.rejects(store.put('../b', sourceOf(Buffer.from('x'))), InvalidObjectKeyError, 'keys are checked before any I/O');
    } finally {
      await store.close();
    }
  });

  test('endpoint that accepts but never answers → StorageUnavailableError once requestTimeoutMs passes', async () => {
    const hung = await silentServer();
    for (const createBucket of [true, false]) {
      const store = new S3ObjectStore(storeOptions(hung.port, { requestTimeoutMs: 300, createBucket }));
      try {
        await assert.rejects(store.ping(), StorageUnavailableError);
        await assert.rejects(store.put('a/b', sourceOf(Buffer.alloc(1000))), StorageUnavailableError);
        await assert.rejects(store.head('a/b'), StorageUnavailableError);
      } finally {
        await store.close();
      }
    }
    await hung.stop();
  });

  test('a GET, HEAD or DELETE whose connection is reset goes once more on a fresh one; a second reset fails', async () => {
    // A proxy in front of s3rver that resets the next `resets` requests as they arrive, as a
    // server closing an idle kept-alive socket under a request does.
    let resets = 0;
    const proxy = await proxyTo(s3.port, (chunk, client) => {
      // The start of a request without a body, on a new or a kept-alive connection.
      if (resets > 0 && /^(GET|HEAD|DELETE) /.test(chunk.toString('latin1', 0, 7))) {
        resets--;
        client.resetAndDestroy();
        return false;
      }
      return true;
    });
    const store = new S3ObjectStore(storeOptions(proxy.port));
    try {
      const bytes = randomBytes(3000);
      await store.put('reset/a', sourceOf(bytes));
      resets = 1;
      assert.deepEqual(Buffer.concat(await (await store.get('reset/a')).toArray()), bytes, 'GET retried');
      resets = 1;
      assert.equal((await store.head('reset/a'))?.size, bytes.length, 'HEAD retried');
      resets = 2;
      await assert.rejects(store.get('reset/a'), StorageUnavailableError);
      resets = 1;
      await store.delete('reset/a');
      assert.equal(await store.head('reset/a'), null, 'DELETE retried');
    } finally {
      await store.close();
      await proxy.stop();
    }
  });

  test('describe() names endpoint and bucket but never the credentials', async () => {
    const options = storeOptions(s3.port, { accessKey: 'AKIAEXAMPLEACCESS', secretKey: 'very-secret-key-value' });
    const store = new S3ObjectStore(options);
    assert.equal(store.describe(), `s3:http://127.0.0.1:${s3.port}/${options.bucket}`);
    assert.doesNotMatch(store.describe(), /very-secret|AKIAEXAMPLE/);
    await store.close();
  });

  test('partSize outside S3 limits is refused at construction', () => {
    assert.throws(() => new S3ObjectStore(storeOptions(s3.port, { partSize: 1 * MIB })), RangeError);
  });
});
