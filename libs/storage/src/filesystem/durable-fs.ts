import { mkdir, open, rename, rmdir, type FileHandle } from 'node:fs/promises';
import { dirname, relative, sep } from 'node:path';
import { errnoOf } from './fs-errors';

/** A rename is only durable once the directory holding the new entry is fsynced. */
export async function fsyncDirectory(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Writes the whole buffer: a single write() may accept fewer bytes than offered. */
export async function writeFully(handle: FileHandle, chunk: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < chunk.length) {
    const { bytesWritten } = await handle.write(chunk, offset, chunk.length - offset);
    offset += bytesWritten;
  }
}

/**
 * mkdir -p, then (durable) fsync every directory whose entry list changed (the parent of the first
 * one created down to `dir`), so a new directory chain survives a crash together with the file in it.
 */
async function ensureDirectory(dir: string, durable: boolean): Promise<void> {
  const firstCreated = await mkdir(dir, { recursive: true });
  if (firstCreated === undefined || !durable) return;
  let current = dir;
  const changed = [current];
  while (current !== firstCreated) {
    current = dirname(current);
    changed.push(current);
  }
  changed.push(dirname(firstCreated));
  for (const path of changed) await fsyncDirectory(path);
}

// A concurrent delete may prune an empty directory between our mkdir and rename; retrying the
// pair a few times settles that race without a lock.
const RENAME_ATTEMPTS = 4;

/**
 * Atomically moves a fully written temp file to `target`, creating parents, and (unless
 * `durable` is false) makes the move durable. The rename is tried first: the directory usually
 * exists already (a series receives many objects), and a missing one shows as ENOENT.
 */
export async function renameIntoPlace(tempPath: string, target: string, { durable = true } = {}): Promise<void> {
  const parent = dirname(target);
  for (let attempt = 1; ; attempt++) {
    try {
      await rename(tempPath, target);
      break;
    } catch (error) {
      if (errnoOf(error) !== 'ENOENT' || attempt >= RENAME_ATTEMPTS) throw error;
    }
    await ensureDirectory(parent, durable);
  }
  if (durable) await fsyncDirectory(parent);
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
