// The durable end of a filesystem put (write a small object's bytes, fsync, rename into place,
// fsync the directory) as one job on a thread of our own, instead of a round trip to libuv's
// thread pool per call. Each round trip wakes a pool thread and then the main thread: on the
// two-core VMs we measure on, the waking side spends 0.1-0.3 ms of CPU on it, and when the main
// thread is busy (embedded mode indexes on it) each continuation also waits in its queue. A
// 12 KiB put took 1.18 ms through fs/promises and 0.68 ms as the same calls in one job on a
// worker (0.46 ms as blocking calls on the main thread, which would stall every association for
// the length of an fsync).
import { Worker } from 'node:worker_threads';
import { RENAME_ATTEMPTS } from './durable-fs';

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
const { parentPort } = require('node:worker_threads');
const fs = require('node:fs');
const { dirname } = require('node:path');
const RENAME_ATTEMPTS = ${RENAME_ATTEMPTS};

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

parentPort.on('message', (job) => {
  try {
    commit(job);
    parentPort.postMessage({ id: job.id, ok: true });
  } catch (e) {
    const error = { message: String((e && e.message) || e) };
    for (const k of ['code', 'syscall', 'path']) if (e && typeof e[k] === 'string') error[k] = e[k];
    parentPort.postMessage({ id: job.id, ok: false, error });
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

class CommitThread {
  readonly waiting = new Map<number, Waiter>();
  private exited: Error | undefined;
  // A few small objects per job: a small heap keeps the thread's resident memory small.
  private readonly worker = new Worker(WORKER_SOURCE, { eval: true, resourceLimits: { maxYoungGenerationSizeMb: 1, maxOldGenerationSizeMb: 16 } });

  constructor(private readonly onExit: (thread: CommitThread) => void) {
    this.worker.unref();
    this.worker.on('message', (reply: Reply) => this.settle(reply));
    this.worker.on('error', (error) => this.fail(error));
    this.worker.on('exit', (code) => this.fail(new Error(`a storage commit thread exited (code ${code})`)));
  }

  run(id: number, job: CommitJob): Promise<void> {
    if (this.exited) return Promise.reject(this.exited);
    // Held open only while a job is outstanding: an idle store never keeps the process alive.
    if (this.waiting.size === 0) this.worker.ref();
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      const { buffers, ...rest } = job;
      if (buffers.length === 0) this.worker.postMessage({ id, ...rest });
      else {
        const bytes = ownCopy(buffers);
        this.worker.postMessage({ id, ...rest, bytes }, [bytes.buffer as ArrayBuffer]);
      }
    });
  }

  async terminate(): Promise<void> {
    await this.worker.terminate();
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

  constructor(private readonly max: number) {}

  commit(job: CommitJob): Promise<void> {
    const done = this.pick().run(this.nextId++, job);
    const tracked = done.then(
      () => undefined,
      () => undefined,
    );
    this.running.add(tracked);
    void tracked.finally(() => this.running.delete(tracked));
    return done;
  }

  /** Waits for the jobs under way, then ends the threads. */
  async close(): Promise<void> {
    await Promise.all(this.running);
    await Promise.all(this.threads.splice(0).map((thread) => thread.terminate()));
  }

  private pick(): CommitThread {
    const idle = this.threads.find((thread) => thread.waiting.size === 0);
    if (idle) return idle;
    if (this.threads.length < this.max) {
      const thread = new CommitThread((exited) => {
        const at = this.threads.indexOf(exited);
        if (at >= 0) this.threads.splice(at, 1);
      });
      this.threads.push(thread);
      return thread;
    }
    return this.threads.reduce((least, thread) => (thread.waiting.size < least.waiting.size ? thread : least));
  }
}
