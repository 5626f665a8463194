import { mkdir, open, rename, rmdir } from 'node:fs/promises';
import { dirname, relative, sep } from 'node:path';
import { errnoOf } from './fs-errors';

/** A rename is only durable once the directory holding the new entry is fsynced. */
export async function fsyncDirectory(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } catch (error) {
    await handle.close().catch(() => undefined);
    throw error;
  }
  // Synced: nothing waits on the close (a directory descriptor cannot fail to close usefully).
  handle.close().catch(() => undefined);
}

/** Writes every buffer in order with as few writev calls as the kernel allows (`writev` returns the bytes written). */
export async function writeAllFully(writev: (buffers: Uint8Array[]) => Promise<number>, buffers: readonly Uint8Array[]): Promise<void> {
  let pending = buffers.filter((b) => b.length > 0);
  while (pending.length > 0) {
    let bytesWritten = await writev(pending);
    // A short write: drop what went out, keep the rest of a partly written buffer.
    const rest: Uint8Array[] = [];
    for (const b of pending) {
      if (bytesWritten >= b.length) bytesWritten -= b.length;
      else {
        rest.push(bytesWritten > 0 ? b.subarray(bytesWritten) : b);
        bytesWritten = 0;
      }
    }
    pending = rest;
  }
}

/**
 * Groups the chunks of a stream into batches of at least `bytes` (the last one smaller), so a
 * stream of small chunks (16 KiB P-DATA fragments) costs one write per batch, not per chunk.
 */
export async function* coalesced(chunks: AsyncIterable<Uint8Array>, bytes: number): AsyncGenerator<Uint8Array[]> {
  let batch: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of chunks) {
    batch.push(chunk);
    size += chunk.length;
    if (size >= bytes) {
      yield batch;
      batch = [];
      size = 0;
    }
  }
  if (batch.length > 0) yield batch;
}

// A concurrent delete may prune an empty directory between our mkdir and rename; retrying the
// pair a few times settles that race without a lock (here and in a commit job).
export const RENAME_ATTEMPTS = 4;

/**
 * Moves a fully written temp file to `target`, creating parents, without making the move
 * durable: for what can be lost in a crash (an object's record). An object's data is put in
 * place durably by its commit job (commit-threads.ts). The rename is tried first: the directory
 * usually exists already, and a missing one shows as ENOENT.
 */
export async function renameIntoPlace(tempPath: string, target: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await rename(tempPath, target);
      return;
    } catch (error) {
      if (errnoOf(error) !== 'ENOENT' || attempt >= RENAME_ATTEMPTS) throw error;
    }
    await mkdir(dirname(target), { recursive: true });
  }
}

/** Removes now-empty directories from `dir` up to (not including) `stopAt`; stops at the first non-empty one. */
export async function pruneEmptyDirectories(dir: string, stopAt: string): Promise<void> {
  let current = dir;
  while (relative(stopAt, current) !== '' && !relative(stopAt, current).startsWith(`..${sep}`)) {
    try {
      await rmdir(current);
    } catch {
      return;
    }
    current = dirname(current);
  }
}
