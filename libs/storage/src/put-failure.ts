import { ObjectSourceError, ObjectStoreError } from './errors';

/**
 * Adapters turn their own backend failures into ObjectStoreErrors where they happen, so whatever
 * else reaches the end of a put came from the caller's source stream.
 */
export function asPutFailure(key: string, error: unknown): ObjectStoreError {
  if (error instanceof ObjectStoreError) return error;
  const detail = error instanceof Error ? `${(error as NodeJS.ErrnoException).code ?? error.name}: ${error.message}` : String(error);
  return new ObjectSourceError(key, 'stream-error', detail, { cause: error });
}
