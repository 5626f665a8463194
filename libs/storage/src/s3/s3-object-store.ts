import http from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';
import { Client } from 'minio';
import { lend, lentBufferPool, LENT_BUFFER_SIZE, type BorrowedBytes } from '../buffer-pool';
import { resolveByteRange } from '../byte-range';
import { ByteDigest, digested } from '../byte-digest';
import { StorageUnavailableError } from '../errors';
import { silentLogger, type StorageLogger } from '../logger';
import { assertValidKeyPrefix, assertValidObjectKey } from '../object-key';
import type { ByteRange, ObjectHead, ObjectListEntry, ObjectStore, PutObjectOptions, PutObjectResult } from '../object-store';
import { asPutFailure } from '../put-failure';
import { DEFAULT_CONTENT_TYPE, SHA256_METADATA_KEY, validatePutOptions } from '../put-options';
import { withTypedErrors } from '../typed-read-stream';
import { chunkParts } from './chunk-parts';
import { mapS3Error, onFreshConnectionIfReset, s3CodeOf } from './s3-errors';
import {
  DEFAULT_PART_SIZE,
  DEFAULT_REGION,
  DEFAULT_REQUEST_TIMEOUT_MS,
  MAX_PART_SIZE,
  MAX_PARTS,
  MIB,
  MIN_PART_SIZE,
  type S3ObjectStoreOptions,
} from './s3-options';
import { timedTransport } from './timed-transport';
import { uploadObject } from './s3-upload';

const META_PREFIX = 'x-amz-meta-';
/** S3 returns at most 1000 keys per ListObjectsV2 page. */
const LIST_PAGE_SIZE = 1000;

/**
 * ObjectStore on any S3 API (AWS, Ceph RGW, SeaweedFS, Garage, ...) through the minio client.
 * The SHA-256 computed while streaming is stored as user metadata x-amz-meta-sha256.
 */
export class S3ObjectStore implements ObjectStore {
  private readonly lentBuffers = lentBufferPool();
  private readonly client: Client;
  private readonly agent: http.Agent;
  private readonly bucket: string;
  private readonly region: string;
  private readonly partSize: number;
  private readonly createBucket: boolean;
  private readonly logger: StorageLogger;
  private readonly label: string;
  private bucketReady: Promise<void> | undefined;

  constructor(options: S3ObjectStoreOptions) {
    const useSSL = options.useSSL ?? true;
    const timeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    this.partSize = options.partSize ?? DEFAULT_PART_SIZE;
    if (!Number.isSafeInteger(this.partSize) || this.partSize < MIN_PART_SIZE || this.partSize > MAX_PART_SIZE) {
      throw new RangeError(`S3 partSize must be an integer between ${MIN_PART_SIZE} and ${MAX_PART_SIZE} bytes`);
    }
    if (!Number.isSafeInteger(timeoutMs) || timeoutMs <= 0) throw new RangeError('S3 requestTimeoutMs must be a positive integer');
    this.bucket = options.bucket;
    this.region = options.region ?? DEFAULT_REGION;
    this.createBucket = options.createBucket ?? false;
    this.logger = options.logger ?? silentLogger;
    this.agent = useSSL ? new https.Agent({ keepAlive: true }) : new http.Agent({ keepAlive: true });
    const port = options.port ?? (useSSL ? 443 : 80);
    this.label = `s3:${useSSL ? 'https' : 'http'}://${options.endPoint}:${port}/${options.bucket}`;
    this.client = new Client({
      endPoint: options.endPoint,
      port,
      useSSL,
      accessKey: options.accessKey,
      secretKey: options.secretKey,
      region: this.region,
      pathStyle: options.pathStyle ?? true,
      partSize: this.partSize,
      transport: timedTransport(useSSL, timeoutMs),
      transportAgent: this.agent,
      // Retries belong to the caller (a C-STORE failure makes the modality resend); the client's
      // own retry would also replay bodies it cannot rewind.
      retryOptions: { disableRetry: true },
    });
  }

  describe(): string {
    return this.label;
  }

  async put(key: string, source: Readable, options?: PutObjectOptions): Promise<PutObjectResult> {
    assertValidObjectKey(key);
    const valid = validatePutOptions(key, options);
    const partSize = this.partSizeFor(valid.size);
    const digest = new ByteDigest(key, valid.size);
    const target = { client: this.client, bucket: this.bucket, key, store: this.label, logger: this.logger };
    try {
      await this.ensureBucket();
      await uploadObject(target, chunkParts(digested(source, digest), partSize), digest, valid, partSize);
    } catch (error) {
      source.destroy();
      throw asPutFailure(key, error);
    }
    const { size, sha256 } = digest.result();
    this.logger.debug({ key, size, sha256 }, 'object stored');
    return { key, size, sha256 };
  }

  async get(key: string, range?: ByteRange): Promise<Readable> {
    assertValidObjectKey(key);
    const body = await this.body(key, resolveByteRange(key, range));
    return withTypedErrors(body, (error) => mapS3Error(this.label, error, key));
  }

  /** One GET: the body is gathered into a lent buffer when its Content-Length says it fits. */
  async borrow(key: string): Promise<BorrowedBytes | Readable> {
    assertValidObjectKey(key);
    const body = await this.body(key, null);
    const length = Number((body as Partial<http.IncomingMessage>).headers?.['content-length']);
    if (!Number.isSafeInteger(length) || length >= LENT_BUFFER_SIZE) return withTypedErrors(body, (error) => mapS3Error(this.label, error, key));
    const buffer = this.lentBuffers.take();
    let filled = 0;
    try {
      for await (const chunk of body as AsyncIterable<Buffer>) {
        if (filled + chunk.length > length) throw new Error(`the body is longer than its Content-Length ${length}`);
        filled += chunk.copy(buffer, filled);
      }
      if (filled !== length) throw new Error(`the body ended after ${filled} of its ${length} bytes`);
    } catch (error) {
      body.destroy();
      this.lentBuffers.give(buffer);
      throw mapS3Error(this.label, error, key);
    }
    return lend(this.lentBuffers, buffer, filled);
  }

  /** The response body of a GET of the object (or a range of it); request failures as typed errors. */
  private async body(key: string, wanted: ReturnType<typeof resolveByteRange>): Promise<Readable> {
    try {
      await this.ensureBucket();
      return await onFreshConnectionIfReset(() => wanted
        ? // getPartialObject takes a length; 0 means "to the end".
          this.client.getPartialObject(this.bucket, key, wanted.start, wanted.end === undefined ? 0 : wanted.end - wanted.start + 1)
        : this.client.getObject(this.bucket, key));
    } catch (error) {
      throw mapS3Error(this.label, error, key);
    }
  }

  async head(key: string): Promise<ObjectHead | null> {
    assertValidObjectKey(key);
    let headers: http.IncomingHttpHeaders;
    try {
      await this.ensureBucket();
      // A plain HEAD rather than statObject(): statObject folds x-amz-meta-* names into the same
      // namespace as standard headers, which would let user metadata shadow content-type.
      ({ headers } = await onFreshConnectionIfReset(() => this.client.makeRequestAsyncOmit({ method: 'HEAD', bucketName: this.bucket, objectName: key })));
    } catch (error) {
      const code = s3CodeOf(error);
      if (code === 'NotFound' || code === 'NoSuchKey') return null;
      throw mapS3Error(this.label, error, key);
    }
    const metadata: Record<string, string> = {};
    let sha256: string | null = null;
    for (const [name, value] of Object.entries(headers)) {
      if (!name.startsWith(META_PREFIX) || typeof value !== 'string') continue;
      const metaName = name.slice(META_PREFIX.length);
      if (metaName === SHA256_METADATA_KEY) sha256 = value;
      else metadata[metaName] = value;
    }
    return {
      size: Number(headers['content-length'] ?? 0),
      lastModified: new Date(headers['last-modified'] ?? 0),
      contentType: headers['content-type'] ?? DEFAULT_CONTENT_TYPE,
      metadata,
      sha256,
    };
  }

  async delete(key: string): Promise<void> {
    assertValidObjectKey(key);
    try {
      await this.ensureBucket();
      await onFreshConnectionIfReset(() => this.client.removeObject(this.bucket, key));
    } catch (error) {
      const code = s3CodeOf(error);
      if (code === 'NoSuchKey' || code === 'NotFound') return;
      throw mapS3Error(this.label, error, key);
    }
  }

  async *list(prefix: string): AsyncIterable<ObjectListEntry> {
    assertValidKeyPrefix(prefix);
    await this.ensureBucket();
    // ListObjects (V1) paged by marker = last key seen: every S3 implementation serves it, while
    // V2 continuation tokens differ between servers (s3rver cannot even mint them on Node >= 17).
    let marker = '';
    for (;;) {
      let page;
      try {
        page = await this.client.listObjectsQuery(this.bucket, prefix, marker, { Delimiter: '', MaxKeys: LIST_PAGE_SIZE });
      } catch (error) {
        throw mapS3Error(this.label, error);
      }
      for (const item of page.objects) {
        if (item.name === undefined) continue;
        marker = item.name;
        if (!isValidKey(item.name)) continue; // written by another tool, not addressable through the port
        yield { key: item.name, size: item.size ?? 0, lastModified: item.lastModified ?? new Date(0) };
      }
      if (!page.isTruncated || page.objects.length === 0) return;
    }
  }

  async ping(): Promise<void> {
    await this.ensureBucket();
    let exists: boolean;
    try {
      exists = await this.client.bucketExists(this.bucket);
    } catch (error) {
      throw mapS3Error(this.label, error);
    }
    if (!exists) throw new StorageUnavailableError(this.label, `bucket "${this.bucket}" does not exist`);
  }

  async close(): Promise<void> {
    this.agent.destroy();
  }

  /** With a known size, parts grow as needed to stay within S3's 10,000-part limit. */
  private partSizeFor(size: number | undefined): number {
    if (size === undefined || size <= this.partSize * MAX_PARTS) return this.partSize;
    return Math.ceil(size / MAX_PARTS / MIB) * MIB;
  }

  private ensureBucket(): Promise<void> {
    if (!this.createBucket) return Promise.resolve();
    this.bucketReady ??= this.createBucketIfMissing().catch((error: unknown) => {
      this.bucketReady = undefined;
      throw error;
    });
    return this.bucketReady;
  }

  private async createBucketIfMissing(): Promise<void> {
    try {
      if (await this.client.bucketExists(this.bucket)) return;
      await this.client.makeBucket(this.bucket, this.region);
      this.logger.info({ bucket: this.bucket, store: this.label }, 'created bucket');
    } catch (error) {
      // A concurrent replica won the race. Servers answer BucketAlreadyOwnedByYou or (s3rver,
      // some gateways) BucketAlreadyExists; the latter also means "owned by another account",
      // so it is accepted only when the bucket is now reachable with our credentials.
      const code = s3CodeOf(error);
      if (code === 'BucketAlreadyOwnedByYou') return;
      if (code === 'BucketAlreadyExists' && (await this.client.bucketExists(this.bucket).catch(() => false))) return;
      throw mapS3Error(this.label, error);
    }
  }
}

function isValidKey(key: string): boolean {
  try {
    assertValidObjectKey(key);
    return true;
  } catch {
    return false;
  }
}
