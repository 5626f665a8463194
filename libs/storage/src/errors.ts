// Typed failures of the ObjectStore port. Callers map them to DICOM outcomes (e.g. a C-STORE
// answered 0xA700 "out of resources" for StorageFullError / StorageUnavailableError), so every
// adapter must raise these and never a raw fs or S3 error.

/** Shortens a caller-supplied string for messages and logs: no control bytes, bounded length. */
export function describeKeyForLog(key: unknown): string {
  const text = typeof key === 'string' ? key : String(key);
  const shown = text.length > 120 ? `${text.slice(0, 120)}…(${text.length} chars)` : text;
  return JSON.stringify(shown);
}

export abstract class ObjectStoreError extends Error {
  /** Stable machine-readable code, safe to put in metrics labels. */
  abstract readonly code: string;

  constructor(
    message: string,
    /** The object key concerned, when there is one (already shortened if it was invalid). */
    readonly key?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class InvalidObjectKeyError extends ObjectStoreError {
  readonly code = 'INVALID_OBJECT_KEY';

  constructor(
    key: unknown,
    readonly reason: string,
  ) {
    super(`invalid object key ${describeKeyForLog(key)}: ${reason}`, describeKeyForLog(key));
  }
}

export class InvalidObjectMetadataError extends ObjectStoreError {
  readonly code = 'INVALID_OBJECT_METADATA';

  constructor(
    key: string,
    readonly reason: string,
  ) {
    super(`invalid metadata for object "${key}": ${reason}`, key);
  }
}

export class ObjectNotFoundError extends ObjectStoreError {
  readonly code = 'OBJECT_NOT_FOUND';

  constructor(key: string, options?: { cause?: unknown }) {
    super(`object "${key}" does not exist`, key, options);
  }
}

export class ObjectRangeNotSatisfiableError extends ObjectStoreError {
  readonly code = 'RANGE_NOT_SATISFIABLE';

  constructor(
    key: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`range not satisfiable for object "${key}": ${reason}`, key, options);
  }
}

export type ObjectSourceFailure = 'stream-error' | 'size-mismatch';

/** The caller's source stream failed or did not deliver the declared size; nothing was stored. */
export class ObjectSourceError extends ObjectStoreError {
  readonly code = 'OBJECT_SOURCE_FAILED';

  constructor(
    key: string,
    readonly reason: ObjectSourceFailure,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`source for object "${key}" failed (${reason}): ${detail}`, key, options);
  }
}

/** The object exceeds what the backend can store in one object (e.g. 10,000 S3 parts). */
export class ObjectTooLargeError extends ObjectStoreError {
  readonly code = 'OBJECT_TOO_LARGE';

  constructor(
    key: string,
    readonly limitBytes: number,
  ) {
    super(`object "${key}" exceeds the store's limit of ${limitBytes} bytes`, key);
  }
}

/** The backend cannot be reached or refuses service (network, timeout, permissions, missing bucket/root). */
export class StorageUnavailableError extends ObjectStoreError {
  readonly code = 'STORAGE_UNAVAILABLE';

  constructor(
    readonly store: string,
    detail: string,
    options?: { cause?: unknown; key?: string },
  ) {
    super(`storage ${store} unavailable: ${detail}`, options?.key, options);
  }
}

/** The backend is out of space or quota (ENOSPC, EDQUOT, S3 quota exceeded). */
export class StorageFullError extends ObjectStoreError {
  readonly code = 'STORAGE_FULL';

  constructor(
    readonly store: string,
    detail: string,
    options?: { cause?: unknown; key?: string },
  ) {
    super(`storage ${store} full: ${detail}`, options?.key, options);
  }
}
