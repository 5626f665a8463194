import { InvalidObjectMetadataError } from './errors';
import type { PutObjectOptions } from './object-store';

export const DEFAULT_CONTENT_TYPE = 'application/octet-stream';
/** S3 caps user-defined metadata at 2 KiB (keys plus values); the filesystem adapter follows suit. */
export const MAX_METADATA_BYTES = 2048;
/** Metadata key under which the stores record the SHA-256 of the object. */
export const SHA256_METADATA_KEY = 'sha256';

// S3 lower-cases metadata names and trims values; restricting both up front makes a round trip
// through any adapter return exactly what was put.
const METADATA_KEY = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;
const PRINTABLE = /^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/;

export interface ValidPutOptions {
  size: number | undefined;
  contentType: string;
  metadata: Record<string, string>;
  recordDigest: boolean;
}

/** Checks put options before any I/O, returning them with defaults applied. */
export function validatePutOptions(key: string, options: PutObjectOptions = {}): ValidPutOptions {
  const { size, contentType = DEFAULT_CONTENT_TYPE, metadata = {}, recordDigest = true } = options;
  if (size !== undefined && !(Number.isSafeInteger(size) && size >= 0)) {
    throw new InvalidObjectMetadataError(key, `size ${String(size)} is not a non-negative integer`);
  }
  if (typeof recordDigest !== 'boolean') throw new InvalidObjectMetadataError(key, 'recordDigest must be true or false');
  if (typeof contentType !== 'string' || !PRINTABLE.test(contentType) || contentType.length > 255) {
    throw new InvalidObjectMetadataError(key, 'content type must be 1..255 printable ASCII characters');
  }
  let bytes = 0;
  const copy: Record<string, string> = {};
  for (const [name, value] of Object.entries(metadata)) {
    if (!METADATA_KEY.test(name)) {
      throw new InvalidObjectMetadataError(key, `metadata key ${JSON.stringify(name)} is not lowercase [a-z0-9-]`);
    }
    if (name === SHA256_METADATA_KEY) {
      throw new InvalidObjectMetadataError(key, `metadata key "${SHA256_METADATA_KEY}" is reserved for the store`);
    }
    if (typeof value !== 'string' || !PRINTABLE.test(value)) {
      throw new InvalidObjectMetadataError(
        key,
        `metadata value of "${name}" must be non-empty printable ASCII without surrounding spaces`,
      );
    }
    bytes += name.length + value.length;
    copy[name] = value;
  }
  if (bytes > MAX_METADATA_BYTES) {
    throw new InvalidObjectMetadataError(key, `metadata is ${bytes} bytes, over ${MAX_METADATA_BYTES}`);
  }
  return { size, contentType, metadata: copy, recordDigest };
}
