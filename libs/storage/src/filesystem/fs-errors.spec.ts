import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { StorageFullError, StorageUnavailableError } from '../errors';
import { mapFsError } from './fs-errors';

const errno = (code: string): NodeJS.ErrnoException => Object.assign(new Error(code), { code, syscall: 'write' });

describe('mapFsError', () => {
  test('out of space or quota is StorageFullError', () => {
    for (const code of ['ENOSPC', 'EDQUOT']) {
      const error = mapFsError('filesystem:/data', errno(code), 'a/b');
      assert.ok(error instanceof StorageFullError, code);
      assert.equal(error.key, 'a/b');
    }
  });

  test('other failures are StorageUnavailableError carrying the cause', () => {
    for (const code of ['EACCES', 'EROFS', 'EIO', 'EMFILE', 'ENOENT']) {
      const cause = errno(code);
      const error = mapFsError('filesystem:/data', cause);
      assert.ok(error instanceof StorageUnavailableError, code);
      assert.equal(error.cause, cause);
      assert.match(error.message, new RegExp(`write ${code}`));
    }
  });
});
