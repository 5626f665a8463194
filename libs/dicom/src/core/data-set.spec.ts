import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DataSet } from './data-set';
import { readDataSet } from './reader';
import { writeDataSet } from './writer';
import { TransferSyntaxUid } from './transfer-syntax';
import { formatDecimalString } from './values';

describe('DataSet typed accessors', () => {
  test('values we create are padded to even length per VR (space; NUL for UI)', () => {
    const ds = new DataSet().setStrings(0x00100010, 'Doe^J').setStrings(0x0020000d, '1.2.3').setStrings(0x00080060, 'CT');
    assert.deepStrictEqual(ds.getBytes(0x00100010), Buffer.from('Doe^J '));
    assert.deepStrictEqual(ds.getBytes(0x0020000d), Buffer.from('1.2.3\0'));
    assert.equal(ds.getUid(0x0020000d), '1.2.3');
    assert.equal(ds.getString(0x00100010), 'Doe^J');
  });

  test('new tags are kept in ascending order; replaced ones keep their place', () => {
    const ds = new DataSet().setStrings(0x00100020, 'B').setStrings(0x00080060, 'MR').setStrings(0x00100010, 'A');
    assert.deepStrictEqual([...ds.tags()], [0x00080060, 0x00100010, 0x00100020]);
    ds.setStrings(0x00080060, 'CT');
    assert.deepStrictEqual([...ds.tags()], [0x00080060, 0x00100010, 0x00100020]);
  });

  test('numbers: binary VRs, DS/IS text, AT, and multi-valued strings', () => {
    const ds = new DataSet()
      .setNumbers(0x00280030, [0.5, 0.25])
      .setNumbers(0x00200013, 12)
      .setNumbers(0x00280010, 512)
      .setNumbers(0x00189327, 12.5)
      .setNumbers(0x00209165, [0x00100010], 'AT')
      .setStrings(0x00080008, ['ORIGINAL', 'PRIMARY']);
    assert.deepStrictEqual(ds.getNumbers(0x00280030), [0.5, 0.25]);
    assert.equal(ds.getNumber(0x00200013), 12);
    assert.equal(ds.getNumber(0x00280010), 512);
    assert.equal(ds.getNumber(0x00189327), 12.5);
    assert.deepStrictEqual(ds.getNumbers(0x00209165), [0x00100010]);
    assert.deepStrictEqual(ds.getStrings(0x00080008), ['ORIGINAL', 'PRIMARY']);
    assert.equal(formatDecimalString(1 / 3).length <= 16, true);
  });

  test('items inherit the Specific Character Set of the enclosing data set', () => {
    const item = new DataSet();
    const ds = new DataSet().setStrings(0x00080005, 'ISO_IR 192').setSequence(0x00400275, [item]);
    item.setStrings(0x00100010, '山田^太郎');
    assert.deepStrictEqual(item.getBytes(0x00100010), Buffer.from('山田^太郎 ', 'utf8'));
    const back = readDataSet(writeDataSet(ds, TransferSyntaxUid.ExplicitVRLittleEndian), TransferSyntaxUid.ExplicitVRLittleEndian);
    assert.equal(back.getItems(0x00400275)?.[0]?.getString(0x00100010), '山田^太郎');
  });

  test('accessors of the wrong kind return undefined', () => {
    const ds = new DataSet().setSequence(0x00400275, []);
    assert.equal(ds.getString(0x00400275), undefined);
    assert.equal(ds.getItems(0x00100010), undefined);
    assert.deepStrictEqual(ds.getItems(0x00400275), []);
  });
});
