import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { ObjectListEntry } from '../object-store';
import { isValidKeySegment, MAX_OBJECT_KEY_LENGTH } from '../object-key';
import { isMissingPath } from './fs-errors';

interface Entry {
  name: string;
  isDirectory: boolean;
  /** Directories sort as "name/" so the walk yields keys in the same byte order S3 lists them. */
  sortKey: string;
}

async function readSortedEntries(dir: string, namePrefix: string): Promise<Entry[]> {
  let dirents;
  try {
    dirents = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    if (isMissingPath(error)) return [];
    throw error;
  }
  const entries: Entry[] = [];
  for (const dirent of dirents) {
    // Names that are not valid key segments (including '.tmp', '.meta', dot files) are not objects.
    if (!dirent.name.startsWith(namePrefix) || !isValidKeySegment(dirent.name)) continue;
    if (dirent.isDirectory()) entries.push({ name: dirent.name, isDirectory: true, sortKey: `${dirent.name}/` });
    else if (dirent.isFile()) entries.push({ name: dirent.name, isDirectory: false, sortKey: dirent.name });
  }
  return entries.sort((a, b) => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0));
}

/**
 * Yields regular files below `root` whose key starts with `keyPrefix`, in ascending key order,
 * reading one directory at a time (memory is bounded by the largest directory, not the tree).
 */
export async function* walkSorted(root: string, keyPrefix: string): AsyncGenerator<ObjectListEntry> {
  const slash = keyPrefix.lastIndexOf('/');
  yield* walkDirectory(root, keyPrefix.slice(0, slash + 1), keyPrefix.slice(slash + 1));
}

async function* walkDirectory(root: string, dirKey: string, namePrefix: string): AsyncGenerator<ObjectListEntry> {
  for (const entry of await readSortedEntries(join(root, dirKey), namePrefix)) {
    const key = `${dirKey}${entry.name}`;
    if (key.length > MAX_OBJECT_KEY_LENGTH) continue;
    if (entry.isDirectory) {
      yield* walkDirectory(root, `${key}/`, '');
      continue;
    }
    try {
      const stats = await lstat(join(root, key));
      if (stats.isFile()) yield { key, size: stats.size, lastModified: stats.mtime };
    } catch (error) {
      if (!isMissingPath(error)) throw error; // deleted while we walked: simply not listed
    }
  }
}
