// The durable end of a filesystem put (write a small object's bytes, fsync, rename into place,
// fsync the directory) as one job on a thread of our own, instead of a round trip to libuv's
// thread pool per call. Each round trip wakes a pool thread and then the main thread: on the
// two-core VMs we measure on, the waking side spends 0.1-0.3 ms of CPU on it, and when the main
// thread is busy (embedded mode indexes on it) each continuation also waits in its queue. A
// 12 KiB put took 1.18 ms through fs/promises and 0.68 ms as the same calls in one job on a
// worker (0.46 ms as blocking calls on the main thread, which would stall every association for
// the length of an fsync). A small object that needs nothing else written goes whole to a thread,
// which writes it into a temp file it opened itself after its previous job (BytesJob).
import { Worker } from 'node:worker_threads';
import { RENAME_ATTEMPTS } from './durable-fs';

/**
 * A small object whole, for a thread to write into a temp file of its own: the one it opened
 * after its last job, or a new one. The caller then opens, writes and closes nothing, which saved
 * two round trips to libuv's thread pool per C-STORE (the open ahead of the put and the close
 * after it), each a wake-up of a pool thread and then of the main thread.
 */
export interface BytesJob {
  /** The object's bytes, in order. They are copied once. */
  buffers: Uint8Array[];
  /** The object's path, as for CommitJob. */
  target: string;
}

export interface CommitThreadsOptions {
  /** Most threads, started as puts overlap. */
  max: number;
  /** A new, unused path in the temp area, for the temp files the threads open themselves. */
  newTempPath(): string;
  /** A thread's own temp file older than this is discarded instead of written (SpareTempFiles' maxAgeMs). */
  spareMaxAgeMs: number;
}

export interface CommitJob {
  /**
   * The temp file's descriptor, open for writing. It stays the caller's to close: Node warns
   * when a thread closes a descriptor another thread opened.
   */
  fd: number;
  /** Bytes still to write at the file's current end, in order (a small put's only batch). They are copied once. */
  buffers: Uint8Array[];
  tempPath: string;
  /** The object's path: its directories are created (and made durable) when missing. */
  target: string;
}

type Reply = { id: number; ok: true } | { id: number; ok: false; error: { message: string; code?: string; syscall?: string; path?: string } };

/**
 * The worker: plain JavaScript in a string (as pglite-thread.ts), so the bundled apps need no
 * separate file. Blocking calls are the point: the thread exists to wait in them.
 *   - Data before name: the file is fsynced before the rename, so a crash never leaves a partial
 *     object under its key, only a temp file (removeAbandonedUploads).
 *   - A rename is durable once its directory is fsynced; a directory created for it is durable
 *     once its parent is (so a new study's directory chain survives with the file in it).
 *   - A concurrent delete may prune an empty directory between our mkdir and rename: the pair is
 *     retried a few times, without a lock.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const { dirname } = require('node:path');
const RENAME_ATTEMPTS = ${RENAME_ATTEMPTS};
const SPARE_MAX_AGE_MS = workerData.spareMaxAgeMs;

// A write may take fewer bytes than asked (POSIX): the rest follows from where it stopped.
function writeAll(fd, bytes) {
  for (let at = 0; at < bytes.length; ) at += fs.writeSync(fd, bytes, at);
}

function fsyncDirectory(path) {
  const fd = fs.openSync(path, 'r');
  try { fs.fsyncSync(fd); } finally { fs.closeSync(fd); }
}

function ensureDirectory(dir) {
  const first = fs.mkdirSync(dir, { recursive: true });
  if (first === undefined) return;
  for (let d = dir; ; d = dirname(d)) {
    fsyncDirectory(d);
    if (d === first) break;
  }
  fsyncDirectory(dirname(first));
}

function commit({ fd, bytes, tempPath, target }) {
  if (bytes) writeAll(fd, bytes);
  fs.fsyncSync(fd);
  const parent = dirname(target);
  for (let attempt = 1; ; attempt++) {
    try { fs.renameSync(tempPath, target); break; }
    catch (error) { if (error.code !== 'ENOENT' || attempt >= RENAME_ATTEMPTS) throw error; }
    ensureDirectory(parent);
  }
  fsyncDirectory(parent);
}

// The temp file a bytes job writes: opened after the last job, off the path of this one.
let spare;

function openTemp(path) {
  return { fd: fs.openSync(path, 'wx', 0o644), path, openedAt: Date.now() };
}

function discard(file) {
  try { fs.closeSync(file.fd); } catch {}
  try { fs.unlinkSync(file.path); } catch {}
}

// A bytes job: written into the spare if it is young enough, else into a new file at tempPath.
// The file is the thread's, so it closes it, and removes it when the commit fails.
function commitBytes(job) {
  let file = spare;
  spare = undefined;
  if (file && Date.now() - file.openedAt > SPARE_MAX_AGE_MS) { discard(file); file = undefined; }
  file ??= openTemp(job.tempPath);
  try {
    commit({ fd: file.fd, bytes: job.bytes, tempPath: file.path, target: job.target });
  } catch (e) {
    discard(file);
    throw e;
  }
  fs.closeSync(file.fd);
}

parentPort.on('message', (job) => {
  if (job.discardSpare) {
    if (spare) discard(spare);
    spare = undefined;
    parentPort.postMessage({ id: job.id, ok: true });
    return;
  }
  try {
    if (job.fd === undefined) commitBytes(job);
    else commit(job);
    parentPort.postMessage({ id: job.id, ok: true });
  } catch (e) {
    const error = { message: String((e && e.message) || e) };
    for (const k of ['code', 'syscall', 'path']) if (e && typeof e[k] === 'string') error[k] = e[k];
    parentPort.postMessage({ id: job.id, ok: false, error });
  }
  // After the reply, while the caller answers its peer and the next object arrives. A failure
  // here is dropped: the next bytes job opens its own file and reports the cause.
  if (job.nextTempPath !== undefined && spare === undefined) {
    try { spare = openTemp(job.nextTempPath); } catch {}
  }
});
`;

/**
 * The buffers in one of its own, moved to the thread rather than cloned: a slice of a socket read
 * shares memory far larger than itself, all of which a structured clone would copy (measured: a
 * 256 KiB batch of P-DATA fragments cost 0.7 ms of the main thread to post). Even so a copy is
 * worth it only for a few KiB: callers write larger batches themselves.
 */
function ownCopy(buffers: readonly Uint8Array[]): Uint8Array {
  let size = 0;
  for (const b of buffers) size += b.length;
  // Never from Buffer's shared pool, which moving would take from everyone else.
  const bytes = Buffer.allocUnsafeSlow(size);
  let at = 0;
  for (const b of buffers) {
    bytes.set(b, at);
    at += b.length;
  }
  return bytes;
}

interface Waiter {
  resolve(): void;
  reject(error: Error): void;
}

/** What a thread is sent: a job with the caller's temp file, a bytes job, or "discard your spare". */
type Message =
  | ({ id: number } & Omit<CommitJob, 'buffers'> & { bytes?: Uint8Array })
  | { id: number; target: string; tempPath: string; nextTempPath: string; bytes?: Uint8Array }
  | { id: number; discardSpare: true };

class CommitThread {
  readonly waiting = new Map<number, Waiter>();
  /** The path of the temp file the thread opens after a bytes job, until its next one takes it. */
  sparePath: string | undefined;
  private exited: Error | undefined;
  private readonly worker: Worker;

  constructor(spareMaxAgeMs: number, private readonly onExit: (thread: CommitThread) => void) {
    // A few small objects per job: a small heap keeps the thread's resident memory small.
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { spareMaxAgeMs }, resourceLimits: { maxYoungGenerationSizeMb: 1, maxOldGenerationSizeMb: 16 } });
    this.worker.unref();
    this.worker.on('message', (reply: Reply) => this.settle(reply));
    this.worker.on('error', (error) => this.fail(error));
    this.worker.on('exit', (code) => this.fail(new Error(`a storage commit thread exited (code ${code})`)));
  }

  run(id: number, job: CommitJob): Promise<void> {
    const { buffers, ...rest } = job;
    return this.post({ id, ...rest }, buffers);
  }

  runBytes(id: number, job: BytesJob, tempPath: string, nextTempPath: string): Promise<void> {
    this.sparePath = nextTempPath;
    return this.post({ id, target: job.target, tempPath, nextTempPath }, job.buffers);
  }

  /** Closes and removes the thread's own temp file, then ends the thread. */
  async terminate(id: number): Promise<void> {
    await this.post({ id, discardSpare: true }, []).catch(() => undefined);
    this.sparePath = undefined;
    await this.worker.terminate();
  }

  private post(message: Message, buffers: readonly Uint8Array[]): Promise<void> {
    if (this.exited) return Promise.reject(this.exited);
    // Held open only while a job is outstanding: an idle store never keeps the process alive.
    if (this.waiting.size === 0) this.worker.ref();
    return new Promise((resolve, reject) => {
      this.waiting.set(message.id, { resolve, reject });
      if (buffers.length === 0) this.worker.postMessage(message);
      else {
        const bytes = ownCopy(buffers);
        this.worker.postMessage({ ...message, bytes }, [bytes.buffer as ArrayBuffer]);
      }
    });
  }

  private settle(reply: Reply): void {
    const waiter = this.waiting.get(reply.id);
    if (!waiter) return;
    this.waiting.delete(reply.id);
    if (this.waiting.size === 0) this.worker.unref();
    if (reply.ok) waiter.resolve();
    // With the errno fields, so the store maps it as any fs error (full, key conflict, unavailable).
    else waiter.reject(Object.assign(new Error(reply.error.message), reply.error));
  }

  // Only an out-of-memory or a terminate ends the thread; its jobs fail.
  private fail(error: Error): void {
    if (this.exited) return;
    this.exited = error;
    for (const waiter of this.waiting.values()) waiter.reject(error);
    this.waiting.clear();
    this.onExit(this);
  }
}

/**
 * Up to `max` commit threads, started as puts overlap (one for puts one at a time). A job goes
 * to an idle thread, so puts running at once fsync at once and share the journal commits.
 */
export class CommitThreads {
  private readonly threads: CommitThread[] = [];
  private readonly running = new Set<Promise<void>>();
  private nextId = 1;

  constructor(private readonly options: CommitThreadsOptions) {}

  /** Commits the caller's temp file (CommitJob). */
  commit(job: CommitJob): Promise<void> {
    return this.track(this.pick().run(this.nextId++, job));
  }

  /** Writes and commits a small object in a temp file of the thread's own (BytesJob). */
  commitBytes(job: BytesJob): Promise<void> {
    return this.track(this.pick().runBytes(this.nextId++, job, this.options.newTempPath(), this.options.newTempPath()));
  }

  /** True for the path of a temp file a thread holds open for its next bytes job. */
  holds(path: string): boolean {
    return this.threads.some((thread) => thread.sparePath === path);
  }

  /** Waits for the jobs under way, then removes the threads' own temp files and ends the threads. */
  async close(): Promise<void> {
    await Promise.all(this.running);
    await Promise.all(this.threads.splice(0).map((thread) => thread.terminate(this.nextId++)));
  }

  private track(done: Promise<void>): Promise<void> {
    const tracked = done.then(
      () => undefined,
      () => undefined,
    );
    this.running.add(tracked);
    void tracked.finally(() => this.running.delete(tracked));
    return done;
  }

  private pick(): CommitThread {
    const idle = this.threads.find((thread) => thread.waiting.size === 0);
    if (idle) return idle;
    if (this.threads.length < this.options.max) {
      const thread = new CommitThread(this.options.spareMaxAgeMs, (exited) => {
        const at = this.threads.indexOf(exited);
        if (at >= 0) this.threads.splice(at, 1);
      });
      this.threads.push(thread);
      return thread;
    }
    return this.threads.reduce((least, thread) => (thread.waiting.size < least.waiting.size ? thread : least));
  }
}
