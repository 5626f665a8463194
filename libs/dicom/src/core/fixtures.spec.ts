import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';
import { readFileMetaInformation } from './file-meta';
import { readDataSet } from './reader';
import { writeDataSet } from './writer';
import { TransferSyntaxUid } from './transfer-syntax';

const dir = new URL('../../../../test/fixtures/datasets/', import.meta.url);
const load = (name: string): Buffer => readFileSync(new URL(name, dir));

const FILES: Array<[string, string]> = [
  ['explicit-le-undefined-lengths.dcm', TransferSyntaxUid.ExplicitVRLittleEndian],
  ['explicit-le-defined-lengths.dcm', TransferSyntaxUid.ExplicitVRLittleEndian],
  ['implicit-le.dcm', TransferSyntaxUid.ImplicitVRLittleEndian],
  ['explicit-be.dcm', TransferSyntaxUid.ExplicitVRBigEndian],
  ['deflated.dcm', TransferSyntaxUid.DeflatedExplicitVRLittleEndian],
  ['rle-lossless.dcm', TransferSyntaxUid.RLELossless],
];

describe('DCMTK-made files (test/fixtures/datasets)', () => {
  for (const [name, uid] of FILES) {
    test(`${name}: file meta names ${uid}, the data set re-encodes byte for byte`, () => {
      const file = load(name);
      const { meta, dataSetOffset } = readFileMetaInformation(file);
      assert.equal(meta.transferSyntaxUid, uid);
      assert.equal(meta.mediaStorageSopInstanceUid, '1.2.826.0.1.3680043.10.543.1.1');
      const bytes = file.subarray(dataSetOffset);
      const ds = readDataSet(bytes, uid);
      const again = writeDataSet(ds, uid);
      if (uid === TransferSyntaxUid.DeflatedExplicitVRLittleEndian) {
        assert.ok(inflateRawSync(again).equals(inflateRawSync(bytes)));
      } else {
        assert.ok(again.equals(bytes), 'data set bytes differ');
      }

      assert.equal(ds.getString(0x00100010), 'Buc^Jérôme');
      assert.equal(ds.getUid(0x00080016), '1.2.840.10008.5.1.4.1.1.7');
      assert.deepStrictEqual(ds.getNumbers(0x00200032), [-125.5, -130.25, 42]);
      assert.deepStrictEqual(ds.getStrings(0x00080008), ['ORIGINAL', 'PRIMARY', 'AXIAL']);
      assert.equal(ds.getNumber(0x00280010), 4);
      const level1 = ds.getItems(0x00400275)![0]!;
      const level2 = level1.getItems(0x00400008)![0]!;
      assert.equal(level2.getString(0x00080104), 'Meaning ä', 'items inherit (0008,0005)');
      assert.equal(level2.getItems(0x00080121)![0]!.getString(0x00080100), 'EQ1');
      if (uid === TransferSyntaxUid.RLELossless) {
        assert.equal(ds.getFragments(0x7fe00010)?.length, 2);
      } else {
        assert.deepStrictEqual(ds.getNumbers(0x7fe00010)?.slice(0, 3), [0x0000, 0x0010, 0x0020]);
      }
      if (uid !== TransferSyntaxUid.ImplicitVRLittleEndian) {
        assert.deepStrictEqual(ds.getNumbers(0x00291002), [-5, 70000], 'private SL values');
      }
    });
  }

  test('the same content decodes to the same values in all transfer syntaxes', () => {
    const parse = (name: string, uid: string) => {
      const file = load(name);
      return readDataSet(file.subarray(readFileMetaInformation(file).dataSetOffset), uid);
    };
    const le = parse('explicit-le-defined-lengths.dcm', TransferSyntaxUid.ExplicitVRLittleEndian);
    const be = parse('explicit-be.dcm', TransferSyntaxUid.ExplicitVRBigEndian);
    assert.deepStrictEqual(be, le);
  });
});
