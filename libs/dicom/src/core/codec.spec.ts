import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readDataSet } from './reader';
import { writeDataSet, writeDataSetChunks } from './writer';
import { randomDataSet, type Syntax } from './testing/random-data-set';
import { TransferSyntaxUid } from './transfer-syntax';
import { DataSet } from './data-set';

const SYNTAXES: Array<[string, string, Syntax]> = [
  ['Implicit VR Little Endian', TransferSyntaxUid.ImplicitVRLittleEndian, 'implicit'],
  ['Explicit VR Little Endian', TransferSyntaxUid.ExplicitVRLittleEndian, 'explicit'],
  ['Explicit VR Big Endian', TransferSyntaxUid.ExplicitVRBigEndian, 'explicit'],
  ['Deflated Explicit VR Little Endian', TransferSyntaxUid.DeflatedExplicitVRLittleEndian, 'explicit'],
];
const RUNS = 150;

describe('PS3.5 §7 codec round trip (seeded random data sets)', () => {
  for (const [name, uid, syntax] of SYNTAXES) {
    test(`${name}: parse(write(ds)) == ds and write(parse(bytes)) == bytes`, () => {
      for (let seed = 1; seed <= RUNS; seed++) {
        const ds = randomDataSet(seed * 7919, syntax);
        const bytes = writeDataSet(ds, uid);
        const parsed = readDataSet(bytes, uid);
        assert.deepStrictEqual(parsed, ds, `seed ${seed}`);
        assert.ok(writeDataSet(parsed, uid).equals(bytes), `seed ${seed}: re-encoding differs`);
      }
    });
  }

  test('the generator covers what the codec must keep: private tags, odd lengths, nesting, UN sequences', () => {
    const seen = { privateTag: false, oddLength: false, depth3: false, unSequence: false, undefinedItem: false, definedSequence: false, encapsulated: false };
    const walk = (ds: DataSet, depth: number): void => {
      for (const e of ds) {
        if ((e.tag >>> 16) % 2 === 1) seen.privateTag = true;
        if (e.kind === 'value' && e.value.length % 2 === 1) seen.oddLength = true;
        if (e.kind === 'encapsulated') seen.encapsulated = true;
        if (e.kind === 'sequence') {
          if (depth + 1 >= 3) seen.depth3 = true;
          if (e.vr === 'UN') seen.unSequence = true;
          if (!e.undefinedLength) seen.definedSequence = true;
          for (const item of e.items) {
            if (item.undefinedLength) seen.undefinedItem = true;
            walk(item.dataSet, depth + 1);
          }
        }
      }
    };
    for (let seed = 1; seed <= RUNS; seed++) walk(randomDataSet(seed * 7919, 'explicit'), 0);
    assert.deepStrictEqual(Object.values(seen).every(Boolean), true, JSON.stringify(seen));
  });

  test('writeDataSetChunks: same bytes as writeDataSet, large values passed by reference', () => {
    for (const [name, uid, syntax] of SYNTAXES) {
      for (let seed = 1; seed <= 30; seed++) {
        const ds = randomDataSet(seed, syntax, { encapsulatedPixelData: true });
        const chunks = writeDataSetChunks(ds, uid, 64);
        assert.ok(Buffer.concat(chunks).equals(writeDataSet(ds, uid)), `${name} seed ${seed}`);
      }
    }
    const pixels = Buffer.alloc(1 << 20, 7);
    const ds = new DataSet().setStrings(0x00100010, 'Doe^Jane').setBytes(0x7fe00010, 'OW', pixels);
    const chunks = writeDataSetChunks(ds, TransferSyntaxUid.ExplicitVRLittleEndian);
    assert.equal(chunks.length, 2);
    assert.equal(chunks[1], pixels);
  });

  test('Explicit VR Big Endian swaps binary values and keeps them little endian in memory', () => {
    const ds = new DataSet().setNumbers(0x00280010, 512).setNumbers(0x00181310, [1, 2, 3, 4]).setStrings(0x00100020, 'ID1');
    const be = writeDataSet(ds, TransferSyntaxUid.ExplicitVRBigEndian);
    assert.equal(be.toString('hex', 0, 8), '00100020' + '4c4f' + '0004');
    const rows = be.indexOf(Buffer.from('00280010', 'hex'));
    assert.equal(be.readUInt16BE(rows + 8), 512);
    const back = readDataSet(be, TransferSyntaxUid.ExplicitVRBigEndian);
    assert.deepStrictEqual(back.getNumbers(0x00181310), [1, 2, 3, 4]);
    assert.equal(back.getNumber(0x00280010), 512);
  });

  test('a 2-byte-length VR value longer than 65535 bytes is written as UN (4-byte length)', () => {
    const ds = new DataSet().setBytes(0x00081030, 'LO', Buffer.alloc(70000, 0x41));
    const bytes = writeDataSet(ds, TransferSyntaxUid.ExplicitVRLittleEndian);
    assert.equal(bytes.toString('latin1', 4, 6), 'UN');
    assert.equal(bytes.readUInt32LE(8), 70000);
  });

  test('implicit VR: an undefined-length private element is a sequence, pixel data undefined length is encapsulated', () => {
    const ds = new DataSet();
    ds.append({ kind: 'sequence', tag: 0x00091010, vr: 'SQ', undefinedLength: true, items: [{ dataSet: new DataSet().setStrings(0x00100020, 'X1'), undefinedLength: true }] });
    ds.append({ kind: 'encapsulated', tag: 0x7fe00010, vr: 'OB', fragments: [Buffer.alloc(0), Buffer.from([1, 2, 3])] });
    const bytes = writeDataSet(ds, TransferSyntaxUid.ImplicitVRLittleEndian);
    const back = readDataSet(bytes, TransferSyntaxUid.ImplicitVRLittleEndian);
    assert.equal(back.getItems(0x00091010)?.[0]?.getString(0x00100020), 'X1');
    assert.deepStrictEqual(back.getFragments(0x7fe00010), [Buffer.alloc(0), Buffer.from([1, 2, 3])]);
  });
});
