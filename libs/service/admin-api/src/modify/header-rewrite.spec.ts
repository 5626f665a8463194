import assert from 'node:assert/strict';
import { inflateRawSync } from 'node:zlib';
import { describe, test } from 'node:test';
import { DataSet, readDataSet, tagForKeyword, writeDataSet } from '@pacs/dicom';
import { deidentify, derivedUidMapping } from '@pacs/domain';
import { collectHeader, HeaderRewriteError, rewrittenData } from './header-rewrite';

const tag = (keyword: string): number => tagForKeyword(keyword) as number;
const PIXEL_DATA = 0x7fe00010;
const TS = { implicit: '1.2.840.10008.1.2', explicit: '1.2.840.10008.1.2.1', deflated: '1.2.840.10008.1.2.1.99' } as const;

/** A CT-like data set with a private block, identifying attributes, pixel data and trailing padding. */
function instance(): { ds: DataSet; pixels: Buffer } {
  const pixels = Buffer.alloc(64 * 64 * 2);
  for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 37) & 0xff;
  const ds = new DataSet()
    .setStrings(tag('SpecificCharacterSet'), 'ISO_IR 100')
    .setStrings(tag('SOPClassUID'), '1.2.840.10008.5.1.4.1.1.2')
    .setStrings(tag('SOPInstanceUID'), '1.2.3.4.5.6.7')
    .setStrings(tag('StudyDate'), '20200101')
    .setStrings(tag('AccessionNumber'), 'ACC-SECRET')
    .setStrings(tag('InstitutionName'), 'General Hospital')
    .setStrings(tag('PatientName'), 'DOE^JOHN')
    .setStrings(tag('PatientID'), 'PID-SECRET')
    .setStrings(0x00290010, 'PRIVATE CREATOR', 'LO')
    .setBytes(0x00291001, 'LO', Buffer.from('SECRETS '))
    .setStrings(tag('StudyInstanceUID'), '1.2.3.4')
    .setStrings(tag('SeriesInstanceUID'), '1.2.3.4.5')
    .setNumbers(tag('Rows'), 64)
    .setNumbers(tag('Columns'), 64)
    .setNumbers(tag('BitsAllocated'), 16)
    .setBytes(PIXEL_DATA, 'OW', pixels)
    .setBytes(0xfffcfffc, 'OB', Buffer.alloc(16));
  return { ds, pixels };
}

async function* chunked(bytes: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function concat(body: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of body) parts.push(part);
  return Buffer.concat(parts);
}

const anonymize = (header: DataSet) => {
  deidentify(header, { uids: derivedUidMapping('secret-of-the-site-0123', 'anonymize\0P'), patientName: 'ANONYMOUS', patientId: 'P' });
};

describe('header rewrite: the header changed, everything from Pixel Data on passed through', () => {
  for (const [name, ts] of [['Explicit VR Little Endian', TS.explicit], ['Implicit VR Little Endian', TS.implicit]] as const) {
    test(`${name}: the bytes from Pixel Data on are identical, the header de-identified`, async () => {
      const { ds, pixels } = instance();
      const original = writeDataSet(ds, ts);
      const oldHeaderLength = readHeaderLength(original, ts);
      const collected = await collectHeader(chunked(original, 1000), ts, 1 << 20);
      const out = await concat(rewrittenData(collected, ts, anonymize));

      const tail = original.subarray(oldHeaderLength);
      assert.ok(out.subarray(out.length - tail.length).equals(tail), 'everything after the old header, byte for byte');
      const back = readDataSet(out, ts);
      assert.ok(back.getBytes(PIXEL_DATA)?.equals(pixels), 'pixel data equal');
      assert.equal(back.getString(tag('PatientName')), 'ANONYMOUS');
      assert.equal(back.getString(tag('AccessionNumber')), '');
      assert.equal(back.has(tag('InstitutionName')), false);
      assert.equal(back.has(0x00291001), false, 'private tag gone');
      assert.notEqual(back.getUid(tag('SOPInstanceUID')), '1.2.3.4.5.6.7');
      for (const secret of ['DOE', 'PID-SECRET', 'ACC-SECRET', 'General Hospital', 'SECRETS']) assert.equal(out.includes(secret), false, secret);
    });
  }

  test('Deflated Explicit VR Little Endian (PS3.5 A.5): inflated, rewritten, deflated again; pixel data equal', async () => {
    const { ds, pixels } = instance();
    const original = writeDataSet(ds, TS.deflated);
    const collected = await collectHeader(chunked(original, 700), TS.deflated, 1 << 20);
    const out = await concat(rewrittenData(collected, TS.deflated, anonymize));
    const back = readDataSet(inflateRawSync(out), TS.explicit);
    assert.ok(back.getBytes(PIXEL_DATA)?.equals(pixels));
    assert.equal(back.getString(tag('PatientName')), 'ANONYMOUS');
  });

  test('a header above the cap is refused, not rewritten partially', async () => {
    const { ds } = instance();
    ds.setBytes(0x00091001, 'OB', Buffer.alloc(8192));
    await assert.rejects(collectHeader(chunked(writeDataSet(ds, TS.explicit), 1000), TS.explicit, 4096), HeaderRewriteError);
  });

  test('a data set cut inside the header is refused', async () => {
    const { ds } = instance();
    const bytes = writeDataSet(ds, TS.explicit);
    await assert.rejects(collectHeader(chunked(bytes.subarray(0, 50), 1000), TS.explicit, 1 << 20), HeaderRewriteError);
  });
});

/** Offset of Pixel Data's tag in an uncompressed little-endian encoding. */
function readHeaderLength(bytes: Buffer, ts: string): number {
  const ds = readDataSet(bytes, ts);
  const pixelTag = Buffer.from([0xe0, 0x7f, 0x10, 0x00]);
  const at = bytes.indexOf(pixelTag);
  assert.ok(at > 0 && ds.has(PIXEL_DATA));
  return at;
}
