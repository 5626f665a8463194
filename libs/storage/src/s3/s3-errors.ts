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
