// Public surface of @pacs/storage: the ObjectStore port, its two adapters, their options, the
// typed errors, and the key validator.
export type {
  ByteRange,
  ObjectHead,
  ObjectListEntry,
  ObjectStore,
  PutObjectOptions,
  PutObjectResult,
} from './object-store';
export { LENT_BUFFER_SIZE, type BorrowedBytes } from './buffer-pool';
export {
  InvalidObjectKeyError,
  InvalidObjectMetadataError,
  ObjectNotFoundError,
  ObjectRangeNotSatisfiableError,
  ObjectSourceError,
  ObjectStoreError,
  ObjectTooLargeError,
  StorageFullError,
  StorageUnavailableError,
  type ObjectSourceFailure,
} from './errors';
export { assertValidObjectKey, MAX_OBJECT_KEY_LENGTH } from './object-key';
export type { StorageLogger } from './logger';
export { FilesystemObjectStore, type FilesystemObjectStoreOptions } from './filesystem/filesystem-object-store';
export { S3ObjectStore } from './s3/s3-object-store';
export type { S3ObjectStoreOptions } from './s3/s3-options';
