import {
  ObjectNotFoundError,
  ObjectRangeNotSatisfiableError,
  ObjectStoreError,
  StorageFullError,
  StorageUnavailableError,
} from '../errors';

// S3 error codes (and vendor variants: Ceph RGW, MinIO-compatible servers) meaning out of space or quota.
const FULL_CODES = new Set(['QuotaExceeded', 'XMinioStorageFull', 'XMinioAdminBucketQuotaExceeded', 'InsufficientStorage', 'StorageFull']);
const NOT_FOUND_CODES = new Set(['NoSuchKey', 'NotFound']);

export const s3CodeOf = (error: unknown): string | undefined =>
  typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'string'
    ? (error as { code: string }).code
    : undefined;

/**
 * Maps minio client failures (S3 error responses and socket errors) to the port's typed errors.
 * `key` is given for object operations, where "not found" is about the object.
 */
export function mapS3Error(store: string, error: unknown, key?: string): ObjectStoreError {
  if (error instanceof ObjectStoreError) return error;
  const code = s3CodeOf(error);
  const detail = `${code ?? 'error'}: ${error instanceof Error ? error.message : String(error)}`;
  if (key !== undefined && code !== undefined && NOT_FOUND_CODES.has(code)) return new ObjectNotFoundError(key, { cause: error });
  if (key !== undefined && code === 'InvalidRange') {
    return new ObjectRangeNotSatisfiableError(key, 'start is not below the object size', { cause: error });
  }
  if (code !== undefined && FULL_CODES.has(code)) return new StorageFullError(store, detail, { cause: error, key });
  if (code === 'NoSuchBucket') return new StorageUnavailableError(store, 'bucket does not exist', { cause: error, key });
  // Connection refused/reset, timeouts, DNS, 5xx, access denied: the store cannot serve us now.
  return new StorageUnavailableError(store, detail, { cause: error, key });
}

/** The peer closed the connection under a request: on a kept-alive socket, the server's idle close crossing our reuse. */
const isConnectionReset = (error: unknown): boolean =>
  s3CodeOf(error) === 'ECONNRESET' || s3CodeOf(error) === 'EPIPE' || (error instanceof Error && error.message === 'socket hang up');

/**
 * Runs a request without a body (GET, HEAD, DELETE: idempotent) once more when the connection
 * was reset under it. A pooled keep-alive socket can be closed by the server's idle timeout just
 * as a request is written on it; the retry goes out on another socket. Requests with a body are
 * never replayed here (the caller's source cannot be rewound; a C-STORE failure makes the
 * modality resend).
 */
export async function onFreshConnectionIfReset<T>(request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (error) {
    if (!isConnectionReset(error)) throw error;
    return request();
  }
}
