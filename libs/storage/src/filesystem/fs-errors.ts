import { ObjectStoreError, StorageFullError, StorageUnavailableError } from '../errors';

export const errnoOf = (error: unknown): string | undefined =>
  error instanceof Error ? (error as NodeJS.ErrnoException).code : undefined;

/** Codes meaning "no such object" when met while resolving a key's path. */
export const isMissingPath = (error: unknown): boolean => {
  const code = errnoOf(error);
  return code === 'ENOENT' || code === 'ENOTDIR';
};

/** No object under the key: the path is missing, or it is a directory (a prefix of other keys). */
export const isNoObject = (error: unknown): boolean => isMissingPath(error) || errnoOf(error) === 'EISDIR';

/** Maps a filesystem failure to the port's typed errors: out of space/quota is "full", the rest "unavailable". */
export function mapFsError(store: string, error: unknown, key?: string): ObjectStoreError {
  if (error instanceof ObjectStoreError) return error;
  const code = errnoOf(error);
  const syscall = error instanceof Error ? (error as NodeJS.ErrnoException).syscall : undefined;
  const detail = `${syscall ?? 'fs'} ${code ?? (error instanceof Error ? error.message : String(error))}`;
  if (code === 'ENOSPC' || code === 'EDQUOT') return new StorageFullError(store, detail, { cause: error, key });
  return new StorageUnavailableError(store, detail, { cause: error, key });
}
