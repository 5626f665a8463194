import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { HeaderCollector, type CollectedHeader } from './header-collector';
import { readFileMetaInformation } from './file-meta';
import { readDataSet } from './reader';
import { writeDataSet } from './writer';
import { DataSet } from './data-set';
import { DicomParseError } from './errors';
import { TransferSyntaxUid } from './transfer-syntax';
import { randomDataSet } from './testing/random-data-set';

const dir = new URL('../../../../test/fixtures/datasets/', import.meta.url);

function dataSetBytes(name: string): { bytes: Buffer; uid: string } {
  const file = readFileSync(new URL(name, dir));
  const { meta, dataSetOffset } = readFileMetaInformation(file);
  return { bytes: file.subarray(dataSetOffset), uid: meta.transferSyntaxUid };
}

function collect(bytes: Buffer, uid: string, chunkSize: number, maxHeaderBytes?: number): { result: CollectedHeader; chunksUsed: number } {
  const c = new HeaderCollector(uid, maxHeaderBytes === undefined ? {} : { maxHeaderBytes });
  let chunksUsed = 0;
  for (let p = 0; p < bytes.length; p += chunkSize) {
    chunksUsed++;
    if (c.push(bytes.subarray(p, p + chunkSize))) break;
  }
  return { result: c.end(), chunksUsed };
}

const CHUNK_SIZES = [1, 7, 64 * 1024];

describe('HeaderCollector: elements up to Pixel Data from a chunked stream', () => {
  for (const name of ['explicit-le-undefined-lengths.dcm', 'implicit-le.dcm', 'explicit-be.dcm', 'deflated.dcm', 'rle-lossless.dcm']) {
    test(`${name}: 1-, 7- and 64 KiB chunks give the same header, stopped at pixel data`, () => {
      const { bytes, uid } = dataSetBytes(name);
      const full = readDataSet(bytes, uid);
      full.delete(0x7fe00010);
      const results = CHUNK_SIZES.map((size) => collect(bytes, uid, size).result);
      for (const r of results) {
        assert.equal(r.stoppedAt, 'pixel-data');
        assert.deepStrictEqual(r.dataSet, full);
        assert.ok(r.header.equals(results[0]!.header));
      }
      assert.ok(!results[0]!.dataSet.has(0x7fe00010));
    });
  }

  test('stops before reading past the pixel data header (the rest of the stream is not consumed)', () => {
    const ds = randomDataSet(5, 'explicit', { encapsulatedPixelData: false });
    ds.setBytes(0x7fe00010, 'OW', Buffer.alloc(200_000));
    const bytes = writeDataSet(ds, TransferSyntaxUid.ExplicitVRLittleEndian);
    const { result, chunksUsed } = collect(bytes, TransferSyntaxUid.ExplicitVRLittleEndian, 1000);
    assert.equal(result.stoppedAt, 'pixel-data');
    assert.ok(chunksUsed < 200_000 / 1000 / 2, `used ${chunksUsed} chunks`);
    assert.ok(bytes.subarray(0, result.header.length).equals(result.header));
  });

  test('stops at the byte cap: only whole elements that end within the cap', () => {
    const ds = new DataSet().setStrings(0x00100010, 'A'.repeat(100)).setStrings(0x00100020, 'B'.repeat(100)).setStrings(0x00102000, 'C'.repeat(100));
    const bytes = writeDataSet(ds, TransferSyntaxUid.ExplicitVRLittleEndian);
    for (const size of CHUNK_SIZES) {
      const { result } = collect(bytes, TransferSyntaxUid.ExplicitVRLittleEndian, size, 250);
      assert.equal(result.stoppedAt, 'cap');
      assert.deepStrictEqual([...result.dataSet.tags()], [0x00100010, 0x00100020]);
    }
  });

  test('reports "end" when the data set has no pixel data', () => {
    const ds = randomDataSet(11, 'implicit', { encapsulatedPixelData: false });
    const bytes = writeDataSet(ds, TransferSyntaxUid.ImplicitVRLittleEndian);
    for (const size of CHUNK_SIZES) {
      const { result } = collect(bytes, TransferSyntaxUid.ImplicitVRLittleEndian, size, 1 << 20);
      assert.equal(result.stoppedAt, 'end');
      assert.deepStrictEqual(result.dataSet, ds);
    }
  });

  test('a stream ending inside an element is a DicomParseError', () => {
    const bytes = writeDataSet(new DataSet().setStrings(0x00100010, 'Doe^John'), TransferSyntaxUid.ExplicitVRLittleEndian);
    const c = new HeaderCollector(TransferSyntaxUid.ExplicitVRLittleEndian);
    c.push(bytes.subarray(0, bytes.length - 3));
    assert.throws(() => c.end(), DicomParseError);
  });

  test('deflated: a large compressible header is capped without inflating the whole stream', () => {
    const ds = new DataSet().setBytes(0x00091010, 'OB', Buffer.alloc(4 << 20));
    ds.setBytes(0x7fe00010, 'OB', Buffer.alloc(16));
    const bytes = writeDataSet(ds, TransferSyntaxUid.DeflatedExplicitVRLittleEndian);
    const { result } = collect(bytes, TransferSyntaxUid.DeflatedExplicitVRLittleEndian, 64 * 1024, 1 << 20);
    assert.equal(result.stoppedAt, 'cap');
    assert.equal(result.dataSet.size, 0);
  });
});

describe('HeaderCollector property: any chunking of any data set gives the same header', () => {
  test('seeded random data sets, random chunk sizes, all four syntaxes', () => {
    const syntaxes: Array<[string, 'implicit' | 'explicit']> = [
      [TransferSyntaxUid.ImplicitVRLittleEndian, 'implicit'],
      [TransferSyntaxUid.ExplicitVRLittleEndian, 'explicit'],
      [TransferSyntaxUid.ExplicitVRBigEndian, 'explicit'],
      [TransferSyntaxUid.DeflatedExplicitVRLittleEndian, 'explicit'],
    ];
    let rnd = 12345;
    const next = (max: number): number => {
      rnd = (Math.imul(rnd, 1103515245) + 12345) >>> 0;
      return 1 + (rnd % max);
    };
    for (const [uid, syntax] of syntaxes) {
      for (let seed = 1; seed <= 25; seed++) {
        const ds = randomDataSet(seed * 31, syntax);
        const bytes = writeDataSet(ds, uid);
        const expected = new DataSet();
        for (const e of ds) if (e.tag < 0x7fe00008) expected.append(e);
        const c = new HeaderCollector(uid);
        for (let p = 0; p < bytes.length; ) {
          const n = next(300);
          if (c.push(bytes.subarray(p, p + n))) break;
          p += n;
        }
        const result = c.end();
        assert.equal(result.stoppedAt, ds.has(0x7fe00010) ? 'pixel-data' : 'end', `seed ${seed}`);
        assert.deepStrictEqual(result.dataSet, expected, `${uid} seed ${seed}`);
      }
    }
  });
});
