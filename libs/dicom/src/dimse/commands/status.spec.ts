import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { describeStatus, DimseStatusError, lookupStatus, Status, STATUS_TABLE, statusCategory } from './status';

describe('DIMSE status table (PS3.7 Annex C, PS3.4)', () => {
  test('categories by code', () => {
    const cases: Array<[number, string]> = [
      [0x0000, 'success'], [0xff00, 'pending'], [0xff01, 'pending'], [0xfe00, 'cancel'],
      [0x0107, 'warning'], [0x0116, 'warning'], [0x0001, 'warning'], [0xb000, 'warning'], [0xb006, 'warning'], [0xb007, 'warning'],
      [0xa700, 'failure'], [0xa701, 'failure'], [0xa702, 'failure'], [0xa7ff, 'failure'], [0xa801, 'failure'], [0xa900, 'failure'],
      [0xc000, 'failure'], [0xcfff, 'failure'], [0x0110, 'failure'], [0x0112, 'failure'], [0x0122, 'failure'], [0x0124, 'failure'], [0x0211, 'failure'],
    ];
    for (const [code, category] of cases) assert.equal(statusCategory(code), category, `0x${code.toString(16)}`);
  });

  test('every table entry agrees with statusCategory', () => {
    for (const e of STATUS_TABLE) {
      assert.equal(statusCategory(e.code), e.category, e.meaning);
      assert.equal(statusCategory(e.codeMax), e.category, e.meaning);
    }
  });

  test('service-specific meanings and ranges', () => {
    assert.match(lookupStatus(0xb000, 'C-STORE')!.meaning, /coercion/);
    assert.match(lookupStatus(0xb000, 'C-MOVE')!.meaning, /sub-operations complete/);
    assert.match(lookupStatus(0xa7f3, 'C-STORE')!.meaning, /out of resources/);
    assert.match(lookupStatus(0xc123, 'C-FIND')!.meaning, /unable to process/);
    assert.match(lookupStatus(0xc123, 'C-STORE')!.meaning, /cannot understand/);
    assert.match(lookupStatus(0xa801)!.meaning, /move destination unknown/);
    assert.match(lookupStatus(Status.ProcessingFailure)!.meaning, /processing failure/);
    assert.equal(lookupStatus(0x9999), undefined);
    assert.equal(describeStatus(0xa700, 'C-STORE'), '0xA700 Refused: out of resources');
    assert.equal(describeStatus(0x9999), '0x9999 failure (unknown status)');
  });

  test('DimseStatusError carries status, category and meaning', () => {
    const e = new DimseStatusError(0xa801, 'C-MOVE', 'AE FOO');
    assert.equal(e.status, 0xa801);
    assert.equal(e.category, 'failure');
    assert.match(e.message, /C-MOVE status 0xA801 Refused: move destination unknown: AE FOO/);
  });
});
