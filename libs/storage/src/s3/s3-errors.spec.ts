import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  ObjectNotFoundError,
  ObjectRangeNotSatisfiableError,
  ObjectSourceError,
  StorageFullError,
  StorageUnavailableError,
} from '../errors';
import { mapS3Error } from './s3-errors';

const withCode = (code: string): Error => Object.assign(new Error(code), { code });

describe('mapS3Error', () => {
  test('maps S3 error codes and socket errors to the typed errors', () => {
    assert.ok(mapS3Error('s', withCode('NoSuchKey'), 'k') instanceof ObjectNotFoundError);
    assert.ok(mapS3Error('s', withCode('NotFound'), 'k') instanceof ObjectNotFoundError);
    assert.ok(mapS3Error('s', withCode('InvalidRange'), 'k') instanceof ObjectRangeNotSatisfiableError);
    assert.ok(mapS3Error('s', withCode('QuotaExceeded'), 'k') instanceof StorageFullError);
    assert.ok(mapS3Error('s', withCode('XMinioStorageFull')) instanceof StorageFullError);
    for (const code of ['NoSuchBucket', 'ECONNREFUSED', 'ETIMEDOUT', 'ECONNRESET', 'ENOTFOUND', 'AccessDenied', 'SlowDown']) {
      assert.ok(mapS3Error('s', withCode(code), 'k') instanceof StorageUnavailableError, code);
    }
    assert.ok(mapS3Error('s', new Error('Request failed after 0 retries')) instanceof StorageUnavailableError);
  });

  test('"not found" without a key (bucket-level call) means the store is unavailable', () => {
    assert.ok(mapS3Error('s', withCode('NotFound')) instanceof StorageUnavailableError);
  });

  test('typed errors pass through unchanged', () => {
    const error = new ObjectSourceError('k', 'stream-error', 'x');
    assert.equal(mapS3Error('s', error, 'k'), error);
  });
});
