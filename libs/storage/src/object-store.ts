import type { Readable } from 'node:stream';
import type { BorrowedBytes } from './buffer-pool';

// Storage is the system of record (ARCHITECTURE.md, contract 3): these bytes are the archive and
// the index can be rebuilt from them. Every adapter implements exactly these semantics and is
// held to them by objectStoreConformance().

export interface PutObjectOptions {
  /** Declared length; when given, a source delivering more or fewer bytes fails the put. */
  size?: number;
  /** Defaults to application/octet-stream. Printable ASCII. */
  contentType?: string;
  /**
   * User metadata. Keys: lowercase [a-z0-9-], not starting/ending with '-', not "sha256" (the
   * store writes that itself). Values: printable ASCII without leading/trailing spaces.
   * Keys and values together at most 2 KiB (the S3 limit for user metadata).
   */
  metadata?: Record<string, string>;
  /**
   * Whether head() must report the object's SHA-256 later (default true). False when the caller
   * keeps the digest put() returns (the PACS index does): a store for which keeping it costs I/O
   * may then report it as unknown. The filesystem store keeps it in a record file beside the
   * object; creating that second file per object measured as a fifth of a small C-STORE's CPU.
   */
  recordDigest?: boolean;
}

export interface PutObjectResult {
  key: string;
  size: number;
  /** SHA-256 of the bytes stored, lowercase hex, computed while streaming. */
  sha256: string;
}

/** Byte range; `end` is inclusive (as in HTTP Range and fs.createReadStream) and clamped to the object. */
export interface ByteRange {
  start?: number;
  end?: number;
}

export interface ObjectHead {
  size: number;
  lastModified: Date;
  contentType: string;
  metadata: Record<string, string>;
  /**
   * SHA-256 recorded at put time, or null when the store cannot vouch for it (an object written
   * by another tool, one whose digest record did not survive a crash, or one put with
   * recordDigest false).
   */
  sha256: string | null;
}

export interface ObjectListEntry {
  key: string;
  size: number;
  lastModified: Date;
}

export interface ObjectStore {
  /**
   * Streams `source` into the object `key`, computing size and SHA-256 on the way. Resolves only
   * once the object is complete and durable; until then readers see the previous object or none.
   * On failure the put rejects with an ObjectStoreError, nothing partial is visible under the key
   * (a previous object stays intact), and the source is destroyed. Invalid keys and options are
   * rejected before any I/O and before the source is touched.
   */
  put(key: string, source: Readable, options?: PutObjectOptions): Promise<PutObjectResult>;
  /**
   * Opens the object (or a range of it) for reading. Rejects with ObjectNotFoundError when absent,
   * ObjectRangeNotSatisfiableError when the range starts at or beyond the end.
   */
  get(key: string, range?: ByteRange): Promise<Readable>;
  /**
   * The object for a reader that sends it on at once, many objects in a row (a retrieve): whole,
   * in a buffer lent from the store's pool, when it is shorter than LENT_BUFFER_SIZE (most
   * images), else streamed as get() streams it. Rejects with ObjectNotFoundError when absent.
   */
  borrow(key: string): Promise<BorrowedBytes | Readable>;
  head(key: string): Promise<ObjectHead | null>;
  /** Idempotent: deleting an absent object succeeds. */
  delete(key: string): Promise<void>;
  /**
   * Every object whose key starts with `prefix` (a plain string prefix, as in S3), in ascending
   * key order, fetched lazily page by page so millions of keys never sit in memory.
   */
  list(prefix: string): AsyncIterable<ObjectListEntry>;
  /**
   * Stores that keep an upload aside until it completes (the filesystem's temp files) remove the
   * ones nobody has written to for olderThanMs: what a process killed mid-put left behind.
   * Resolves with the number removed. S3 has no such method: it keeps incomplete multipart
   * uploads itself, and a bucket lifecycle rule (AbortIncompleteMultipartUpload) ends them.
   */
  removeAbandonedUploads?(olderThanMs: number): Promise<number>;
  /** Resolves when the store can serve requests now; rejects with StorageUnavailableError otherwise. */
  ping(): Promise<void>;
  /** Short description for logs, without credentials. */
  describe(): string;
  /** Releases sockets and handles; the store is unusable afterwards. */
  close(): Promise<void>;
}
