import { randomUUID } from 'node:crypto';
import {
  close as closeCallback, closeSync, constants, createReadStream, fstat as fstatCallback, open as openCallback, read as readCallback, writev as writevCallback,
} from 'node:fs';
import { access, lstat, mkdir, open, readdir, stat, unlink, writeFile, type FileHandle } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { resolveByteRange } from '../byte-range';
import { BufferPool, lend, lentBufferPool, LENT_BUFFER_SIZE, type BorrowedBytes } from '../buffer-pool';
import { ByteDigest, digested } from '../byte-digest';
import {
  InvalidObjectKeyError,
  ObjectNotFoundError,
  ObjectRangeNotSatisfiableError,
  ObjectStoreError,
  StorageUnavailableError,
} from '../errors';
import { silentLogger, type StorageLogger } from '../logger';
import { assertValidKeyPrefix, assertValidObjectKey } from '../object-key';
import type { ByteRange, ObjectHead, ObjectListEntry, ObjectStore, PutObjectOptions, PutObjectResult } from '../object-store';
import { asPutFailure } from '../put-failure';
import { DEFAULT_CONTENT_TYPE, validatePutOptions, type ValidPutOptions } from '../put-options';
import { withTypedErrors } from '../typed-read-stream';
import { CommitThreads } from './commit-threads';
import { coalesced, fsyncDirectory, pruneEmptyDirectories, renameIntoPlace, writeAllFully } from './durable-fs';
import { errnoOf, isMissingPath, isNoObject, mapFsError } from './fs-errors';
import { encodeObjectRecord, readObjectRecord } from './object-record';
import { SpareTempFiles, type TempFile } from './spare-temp-files';
import { walkSorted } from './sorted-walk';

/** Bytes gathered before one writev: a few syscalls per object instead of one per 16 KiB fragment. */
const WRITE_BATCH_BYTES = 256 * 1024;
/** The most a put's last batch may hold to be written by its commit job (commit-threads.ts). */
const COMMIT_JOB_MAX_BYTES = 64 * 1024;
const byteLength = (buffers: readonly Uint8Array[]): number => buffers.reduce((n, b) => n + b.length, 0);
/** The first read of a whole object (see readWhole): most objects end within it. */
const FIRST_READ = 256 * 1024;
const MAX_SPARE_READ_BUFFERS = 4;
/**
 * Objects up to this size are handed out as one buffer read in at most two reads (an MR or CT
 * slice, a radiograph); larger ones stream. A retrieve holds one such buffer per sub-operation in
 * flight.
 */
const WHOLE_OBJECT_MAX = 4 * 1024 * 1024;
/** Read size when streaming a large object: a few reads per MiB instead of sixteen. */
const STREAM_READ = 1024 * 1024;

/** Descriptor-level calls (puts' temp files, borrow()): lighter than FileHandle's. */
const openFd = promisify(openCallback);
const readFd = promisify(readCallback);
const writevFd = promisify(writevCallback);
const closeFd = promisify(closeCallback);
const fstatFd = promisify(fstatCallback);

export interface FilesystemObjectStoreOptions {
  /**
   * Directory holding the objects, one plain file per key at <root>/<key>. It must exist: the
   * store never creates it, so an unmounted volume shows as "unavailable" instead of filling
   * the container's own disk.
   */
  root: string;
  logger?: StorageLogger;
}

const TEMP_AREA = '.tmp';
/** Puts expected at once (about the associations storing at once): the temp files kept open ahead of them, and the commit threads. */
const PUTS_AT_ONCE = 4;
/** Far below the age at which the reconciler takes a temp file for an abandoned upload (1 h). */
const SPARE_TEMP_FILE_MAX_AGE_MS = 60_000;
const RECORD_AREA = '.meta';

/**
 * A record file per object doubles the inodes a put creates, which on ext4 measured as a fifth
 * of a small object's C-STORE in CPU (kernel time); an object without one reads as the defaults and
 * "digest unknown". So it is written only when it holds something the caller asked to keep. A
 * record left from an earlier object under the same key describes another file (inode number,
 * creation time) and is ignored.
 */
const needsRecord = (valid: ValidPutOptions): boolean =>
  valid.recordDigest || valid.contentType !== DEFAULT_CONTENT_TYPE || Object.keys(valid.metadata).length > 0;

/** The key names a directory or runs through a file: possible here, never on S3. */
const isKeyConflict = (error: unknown): boolean => {
  const code = errnoOf(error);
  return code === 'EISDIR' || code === 'ENOTDIR' || code === 'EEXIST' || code === 'ENOTEMPTY';
};

/**
 * ObjectStore on a local or network filesystem. A put streams into <root>/.tmp/<random>, fsyncs,
 * and renames into place (then fsyncs the directory), so a crash leaves at most a temp file,
 * never a partial object; removeAbandonedUploads() removes such leftovers. Digest, content type and user
 * metadata live in <root>/.meta/<key> (unless the put has none to keep: needsRecord).
 */
export class FilesystemObjectStore implements ObjectStore {
  private readonly root: string;
  private readonly tempDir: string;
  private readonly recordDir: string;
  private readonly logger: StorageLogger;
  private readonly firstReadBuffers = new BufferPool(FIRST_READ, MAX_SPARE_READ_BUFFERS);
  private readonly lentBuffers = lentBufferPool();
  private areasReady: Promise<void> | undefined;
  private readonly spareTempFiles = new SpareTempFiles({
    open: () => this.openTempFile(),
    discard: (file) => this.discardTempFile(file),
    max: PUTS_AT_ONCE,
    maxAgeMs: SPARE_TEMP_FILE_MAX_AGE_MS,
  });
  private readonly commitThreads = new CommitThreads({
    max: PUTS_AT_ONCE,
    newTempPath: () => join(this.tempDir, `${randomUUID()}.data`),
    spareMaxAgeMs: SPARE_TEMP_FILE_MAX_AGE_MS,
  });

  constructor(options: FilesystemObjectStoreOptions) {
    this.root = resolve(options.root);
    this.tempDir = join(this.root, TEMP_AREA);
    this.recordDir = join(this.root, RECORD_AREA);
    this.logger = options.logger ?? silentLogger;
  }

  describe(): string {
    return `filesystem:${this.root}`;
  }

  async put(key: string, source: Readable, options?: PutObjectOptions): Promise<PutObjectResult> {
    assertValidObjectKey(key);
    const valid = validatePutOptions(key, options);
    /** Our temp file, taken when a batch must be written before the last one arrives, or for a record. */
    let file: TempFile | undefined;
    /** The temp file's descriptor while it is open. */
    let fd: number | undefined;
    const tempFile = async (): Promise<TempFile> => {
      if (!file) {
        file = await this.spareTempFiles.take();
        fd = file.fd;
      }
      return file;
    };
    const write = async (buffers: readonly Uint8Array[]): Promise<void> => {
      const sink = (await tempFile()).fd;
      await writeAllFully(async (pending) => (await writevFd(sink, pending)).bytesWritten, buffers).catch((error: unknown) => {
        throw mapFsError(this.describe(), error, key);
      });
    };
    try {
      const digest = new ByteDigest(key, valid.size);
      // Each batch is written when the next is complete. The last goes with the commit job if it
      // is small, so a small object costs that one job; copying a larger one for the commit
      // thread costs more than writing it here.
      let last: Uint8Array[] = [];
      try {
        for await (const batch of coalesced(digested(source, digest), WRITE_BATCH_BYTES)) {
          if (last.length > 0) await write(last);
          last = batch;
        }
      } catch (error) {
        throw asPutFailure(key, error);
      }
      const { size, sha256 } = digest.result();
      const target = this.dataPath(key);
      if (!file && !needsRecord(valid) && byteLength(last) <= COMMIT_JOB_MAX_BYTES) {
        // The whole object is in hand and nothing else is written: the commit thread writes it
        // into a temp file of its own.
        await this.prepareAreas();
        await this.commitThreads.commitBytes({ buffers: last, target });
      } else {
        if (byteLength(last) > COMMIT_JOB_MAX_BYTES) {
          await write(last);
          last = [];
        }
        const own = await tempFile();
        // Record first, data last: the data rename is the moment the new object becomes visible.
        // The record is a cache of what can be recomputed (digest) or defaulted, so it is not made
        // durable: after a crash a lost or stale record reads as "digest unknown" (identity check).
        if (needsRecord(valid)) await this.writeRecord(own, key, size, sha256, valid);
        await this.commitThreads.commit({ fd: own.fd, buffers: last, tempPath: own.path, target });
        // Synced: closing writes nothing back, so it is done at once rather than as another round trip.
        fd = undefined;
        this.closeQuietly(own.fd, key);
        // Off this put's path: the next one finds its temp file open.
        this.spareTempFiles.refill();
      }
      this.logger.debug({ key, size, sha256 }, 'object stored');
      return { key, size, sha256 };
    } catch (error) {
      source.destroy();
      if (fd !== undefined) await closeFd(fd).catch(() => undefined);
      if (file) await Promise.all([unlink(file.path).catch(() => undefined), unlink(this.tempRecordPath(file)).catch(() => undefined)]);
      if (error instanceof ObjectStoreError) throw error;
      if (isKeyConflict(error)) {
        throw new InvalidObjectKeyError(key, 'collides with an existing object or key prefix in the filesystem store');
      }
      throw mapFsError(this.describe(), error, key);
    }
  }

  private async writeRecord(file: TempFile, key: string, size: number, sha256: string, valid: ValidPutOptions): Promise<void> {
    // Its identity for the record: asked only by puts that write one.
    const { ino, birthtimeNs } = await fstatFd(file.fd, { bigint: true });
    const identity = { ino: ino.toString(), ...(birthtimeNs !== 0n ? { born: birthtimeNs.toString() } : {}) };
    const record = encodeObjectRecord({ v: 1, ...identity, size, sha256, contentType: valid.contentType, metadata: valid.metadata });
    const tempRecord = this.tempRecordPath(file);
    await writeFile(tempRecord, record, { flag: 'wx', mode: 0o644 });
    await renameIntoPlace(tempRecord, this.recordPath(key));
  }

  /** A new temp file for a put: created exclusively in the temp area. */
  private async openTempFile(): Promise<TempFile> {
    await this.prepareAreas();
    const id = randomUUID();
    const path = join(this.tempDir, `${id}.data`);
    const fd = await openFd(path, 'wx', 0o644);
    return { id, path, fd, openedAt: Date.now() };
  }

  private async discardTempFile(file: TempFile): Promise<void> {
    await closeFd(file.fd).catch(() => undefined);
    await unlink(file.path).catch(() => undefined);
  }

  private tempRecordPath(file: TempFile): string {
    return join(this.tempDir, `${file.id}.meta`);
  }

  async get(key: string, range?: ByteRange): Promise<Readable> {
    assertValidObjectKey(key);
    const wanted = resolveByteRange(key, range);
    const handle = await this.openObject(key, (path) => open(path, 'r'));
    try {
      if (!wanted) {
        const whole = await this.readWhole(handle);
        if (whole) {
          // Closed after we return: nothing waits on it.
          handle.close().catch((error: unknown) => this.logger.warn({ key, err: error }, 'could not close an object file'));
          return Readable.from(whole.length > 0 ? [whole] : [], { objectMode: false });
        }
      }
      const stats = await handle.stat();
      if (!stats.isFile()) throw new ObjectNotFoundError(key);
      if (wanted && wanted.start >= stats.size) {
        throw new ObjectRangeNotSatisfiableError(key, `start ${wanted.start} is not below the object size ${stats.size}`);
      }
      const stream = handle.createReadStream({
        highWaterMark: STREAM_READ,
        ...(wanted ? { start: wanted.start, end: Math.min(wanted.end ?? Infinity, stats.size - 1) } : {}),
      });
      return withTypedErrors(stream, (error) => mapFsError(this.describe(), error, key));
    } catch (error) {
      await handle.close().catch(() => undefined);
      throw this.readError(key, error);
    }
  }

  /**
   * One read into a lent buffer, or a stream for a larger object. Every C-MOVE/C-GET
   * sub-operation comes here, so it works on a plain descriptor and closes it at once:
   * FileHandle's bookkeeping and a thread-pool round trip for the close cost about 20% (525 KB)
   * to 40% (10 KB objects) more CPU per object (micro-benchmark, objects in the page cache).
   */
  async borrow(key: string): Promise<BorrowedBytes | Readable> {
    assertValidObjectKey(key);
    const fd = await this.openObject(key, (path) => openFd(path, 'r'));
    const buffer = this.lentBuffers.take();
    try {
      // A read of a regular file comes back short only at its end (as readWhole relies on too).
      const { bytesRead } = await readFd(fd, buffer, 0, LENT_BUFFER_SIZE, 0);
      if (bytesRead < LENT_BUFFER_SIZE) {
        this.closeQuietly(fd, key);
        return lend(this.lentBuffers, buffer, bytesRead);
      }
      this.lentBuffers.give(buffer);
      // The stream owns the descriptor from here (autoClose: at its end, error or destroy).
      return withTypedErrors(createReadStream(this.dataPath(key), { fd, highWaterMark: STREAM_READ }), (error) => mapFsError(this.describe(), error, key));
    } catch (error) {
      this.lentBuffers.give(buffer);
      this.closeQuietly(fd, key);
      throw this.readError(key, error);
    }
  }

  /** close(2) of a file opened only for reading, or synced, writes nothing back: done at once, not on the thread pool. */
  private closeQuietly(fd: number, key: string): void {
    try {
      closeSync(fd);
    } catch (error) {
      this.logger.warn({ key, err: error }, 'could not close an object file');
    }
  }

  /** Opens an object's file with `opener` (a FileHandle, or a plain descriptor for borrow). */
  private async openObject<T>(key: string, opener: (path: string) => Promise<T>): Promise<T> {
    await this.prepareAreas();
    try {
      return await opener(this.dataPath(key));
    } catch (error) {
      throw this.readError(key, error);
    }
  }

  /** Opening or reading an object failed: a missing path or a directory (a key prefix) is "not found". */
  private readError(key: string, error: unknown): Error {
    if (isNoObject(error)) return new ObjectNotFoundError(key, { cause: error });
    return mapFsError(this.describe(), error, key);
  }

  /**
   * The whole object, unless it is longer than WHOLE_OBJECT_MAX (undefined: stream it). Each read
   * or stream chunk is a round trip to the thread pool, which is most of what retrieving an
   * object costs: one read ends most objects (MR slices, reports, key objects), and a longer
   * one (a CT slice, a radiograph) takes a stat and one read of the rest. A directory fails the
   * read (EISDIR).
   */
  private async readWhole(handle: FileHandle): Promise<Buffer | undefined> {
    // The first read goes to a reused buffer: a fresh 256 KiB per object would be garbage faster than the reads.
    const buffer = this.firstReadBuffers.take();
    try {
      const { bytesRead } = await handle.read(buffer, 0, FIRST_READ, 0);
      if (bytesRead < FIRST_READ) return Buffer.from(buffer.subarray(0, bytesRead));
      const { size } = await handle.stat();
      if (size > WHOLE_OBJECT_MAX) return undefined;
      const whole = Buffer.allocUnsafeSlow(size);
      buffer.copy(whole, 0, 0, FIRST_READ);
      let filled = FIRST_READ;
      while (filled < size) {
        const rest = await handle.read(whole, filled, size - filled, filled);
        if (rest.bytesRead === 0) break; // shortened meanwhile: what is there
        filled += rest.bytesRead;
      }
      return filled === size ? whole : whole.subarray(0, filled);
    } finally {
      this.firstReadBuffers.give(buffer);
    }
  }

  async head(key: string): Promise<ObjectHead | null> {
    assertValidObjectKey(key);
    await this.prepareAreas();
    try {
      const stats = await stat(this.dataPath(key), { bigint: true });
      if (!stats.isFile()) return null;
      const record = await readObjectRecord(this.recordPath(key), stats);
      if (record === null) this.logger.debug({ key }, 'no matching digest record for object; digest unknown');
      return {
        size: Number(stats.size),
        lastModified: stats.mtime,
        contentType: record?.contentType ?? DEFAULT_CONTENT_TYPE,
        metadata: record?.metadata ?? {},
        sha256: record?.sha256 ?? null,
      };
    } catch (error) {
      if (isMissingPath(error)) return null;
      throw mapFsError(this.describe(), error, key);
    }
  }

  async delete(key: string): Promise<void> {
    assertValidObjectKey(key);
    await this.prepareAreas();
    try {
      // Data first: once it is gone the object is gone, whatever happens to the record.
      for (const [path, area] of [
        [this.dataPath(key), this.root],
        [this.recordPath(key), this.recordDir],
      ] as const) {
        try {
          await unlink(path);
        } catch (error) {
          if (isNoObject(error)) continue;
          throw error;
        }
        await fsyncDirectory(dirname(path));
        await pruneEmptyDirectories(dirname(path), area);
      }
    } catch (error) {
      throw mapFsError(this.describe(), error, key);
    }
  }

  async *list(prefix: string): AsyncIterable<ObjectListEntry> {
    assertValidKeyPrefix(prefix);
    await this.prepareAreas();
    try {
      yield* walkSorted(this.root, prefix);
    } catch (error) {
      throw mapFsError(this.describe(), error);
    }
  }

  async ping(): Promise<void> {
    await this.prepareAreas();
    try {
      await access(this.root, constants.W_OK);
      await access(this.tempDir, constants.W_OK);
    } catch (error) {
      throw mapFsError(this.describe(), error);
    }
  }

  /** Removes the spare temp files and ends the commit threads once the puts under way are done. */
  async close(): Promise<void> {
    await Promise.all([this.spareTempFiles.close(), this.commitThreads.close()]);
  }

  /**
   * Removes temp files older than `olderThanMs` (leftovers of crashed or killed writers) and
   * returns how many it removed. Pick an age well above the longest expected upload.
   */
  async removeAbandonedUploads(olderThanMs: number): Promise<number> {
    let names: string[];
    try {
      names = await readdir(this.tempDir);
    } catch (error) {
      if (isMissingPath(error)) return 0;
      throw mapFsError(this.describe(), error);
    }
    const cutoff = Date.now() - olderThanMs;
    let removed = 0;
    for (const name of names) {
      const path = join(this.tempDir, name);
      if (this.spareTempFiles.holds(path) || this.commitThreads.holds(path)) continue;
      try {
        const stats = await lstat(path);
        if (stats.mtimeMs > cutoff) continue;
        await unlink(path);
        removed += 1;
      } catch (error) {
        if (!isMissingPath(error)) throw mapFsError(this.describe(), error);
      }
    }
    if (removed > 0) this.logger.info({ removed, tempDir: this.tempDir }, 'removed leftover temp files');
    return removed;
  }

  private dataPath(key: string): string {
    return join(this.root, key); // safe: validated keys are relative and contain no '.'-led segment
  }

  private recordPath(key: string): string {
    return join(this.recordDir, key);
  }

  /**
   * Checks once that the root exists (so a missing volume reads as "unavailable", not as "no
   * such object") and creates the temp and record areas in it.
   */
  private prepareAreas(): Promise<void> {
    this.areasReady ??= this.createAreas().catch((error: unknown) => {
      this.areasReady = undefined; // let the next call retry, e.g. once the volume is mounted
      throw error;
    });
    return this.areasReady;
  }

  private async createAreas(): Promise<void> {
    try {
      const stats = await stat(this.root);
      if (!stats.isDirectory()) throw new StorageUnavailableError(this.describe(), 'root is not a directory');
      for (const area of [this.tempDir, this.recordDir]) {
        await mkdir(area).catch((error: unknown) => {
          if (errnoOf(error) !== 'EEXIST') throw error;
        });
      }
      await fsyncDirectory(this.root);
    } catch (error) {
      throw mapFsError(this.describe(), error);
    }
  }
}
