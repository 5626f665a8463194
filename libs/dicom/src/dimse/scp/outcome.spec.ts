import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DicomParseError } from '../../core';
import { DimseStatusError } from '../commands';
import { errorComment, outcomeFromError } from './outcome';
import { retrieveStatus } from './retrieve';

describe('handler failures as DIMSE statuses', () => {
  test('DimseStatusError keeps its status; parse errors: C-STORE 0xC000, Q/R 0xA900; others: store failure status / 0xC000', () => {
    assert.deepEqual(outcomeFromError(new DimseStatusError(0xa801, 'C-MOVE', 'AE X'), 'C-MOVE', 0xa700), { status: 0xa801, errorComment: 'AE X' });
    const parse = new DicomParseError('truncated', 'input ends', 12, 0x00100010);
    assert.equal(outcomeFromError(parse, 'C-STORE', 0xa700).status, 0xc000);
    assert.deepEqual(outcomeFromError(parse, 'C-STORE', 0xa700).offendingElements, [0x00100010]);
    assert.equal(outcomeFromError(parse, 'C-FIND', 0xa700).status, 0xa900);
    assert.equal(outcomeFromError(new Error('disk full'), 'C-STORE', 0x0110).status, 0x0110);
    assert.equal(outcomeFromError(new Error('db down'), 'C-FIND', 0xa700).status, 0xc000);
  });

  test('Error Comment fits LO: 64 characters, default repertoire, no backslash', () => {
    assert.equal(errorComment(`a\\b ${'x'.repeat(100)}`)?.length, 64);
    assert.equal(errorComment('é\\x'), '?/x');
    assert.equal(errorComment('   '), undefined);
  });

  test('retrieve status (PS3.4 C.4.2.1.5): success, B000 with failures or warnings, FE00 when cancelled, or the handler\'s own', () => {
    assert.equal(retrieveStatus({ completed: 3, failed: 0, warning: 0 }, false), 0x0000);
    assert.equal(retrieveStatus({ completed: 2, failed: 1, warning: 0 }, false), 0xb000);
    assert.equal(retrieveStatus({ completed: 2, failed: 0, warning: 1 }, false), 0xb000);
    assert.equal(retrieveStatus({ completed: 1, failed: 0, warning: 0, remaining: 4 }, true), 0xfe00);
    assert.equal(retrieveStatus({ completed: 0, failed: 0, warning: 0, status: 0xa702 }, false), 0xa702);
  });
});
