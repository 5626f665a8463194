import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeFileMetaInformation, readFileMetaInformation, PREAMBLE_LENGTH } from './file-meta';
import { DicomParseError } from './errors';
import { assertValidUid, generateUid, IMPLEMENTATION_CLASS_UID, IMPLEMENTATION_VERSION_NAME, InvalidUidError, isValidUid } from './uid';

describe('PS3.10 §7.1 File Meta Information', () => {
  const input = {
    mediaStorageSopClassUid: '1.2.840.10008.5.1.4.1.1.7',
    mediaStorageSopInstanceUid: '1.2.3.4.5',
    transferSyntaxUid: '1.2.840.10008.1.2.1',
    implementationClassUid: IMPLEMENTATION_CLASS_UID,
    implementationVersionName: IMPLEMENTATION_VERSION_NAME,
    sourceApplicationEntityTitle: 'PACS',
  };

  test('encode: preamble, DICM, group length covering the group, UIDs padded with NUL', () => {
    const bytes = encodeFileMetaInformation(input);
    assert.ok(bytes.subarray(0, PREAMBLE_LENGTH).every((b) => b === 0));
    assert.equal(bytes.toString('latin1', 128, 132), 'DICM');
    assert.equal(bytes.toString('hex', 132, 140), '02000000' + '554c' + '0400');
    assert.equal(bytes.readUInt32LE(140), bytes.length - 144);
    assert.equal(bytes.toString('hex', 144, 156), '02000100' + '4f42' + '0000' + '02000000');
    const sop = bytes.indexOf('1.2.3.4.5');
    assert.equal(bytes[sop + 9], 0x00, 'odd-length UI padded with NUL');
  });

  test('read back what was written, with the offset of the data set', () => {
    const bytes = Buffer.concat([encodeFileMetaInformation(input), Buffer.from([0x08, 0x00, 0x16, 0x00])]);
    const { meta, dataSetOffset } = readFileMetaInformation(bytes);
    assert.equal(dataSetOffset, bytes.length - 4);
    assert.deepStrictEqual({ ...meta, fileMetaInformationVersion: undefined }, { ...input, fileMetaInformationVersion: undefined });
    assert.deepStrictEqual(meta.fileMetaInformationVersion, Buffer.from([0, 1]));
  });

  test('missing DICM, truncation and no transfer syntax are DicomParseErrors', () => {
    assert.throws(() => readFileMetaInformation(Buffer.alloc(200)), (e) => e instanceof DicomParseError && e.reason === 'invalid-file-meta');
    const bytes = encodeFileMetaInformation(input);
    assert.throws(() => readFileMetaInformation(bytes.subarray(0, 150)), (e) => e instanceof DicomParseError && e.reason === 'truncated');
    assert.throws(() => readFileMetaInformation(bytes.subarray(0, 132)), (e) => e instanceof DicomParseError && e.reason === 'invalid-file-meta');
  });
});

describe('PS3.5 §9 UIDs', () => {
  test('validation', () => {
    for (const ok of ['1.2.840.10008.1.2', '0.0', '2.25.0', '1']) assert.ok(isValidUid(ok), ok);
    for (const bad of ['', '1.02', '1..2', '.1', '1.', '1.2.a', '1.2 ', `1.${'2'.repeat(63)}`]) assert.ok(!isValidUid(bad), bad);
    assert.throws(() => assertValidUid('1.02'), InvalidUidError);
    assert.ok(isValidUid(IMPLEMENTATION_CLASS_UID));
    assert.ok(IMPLEMENTATION_VERSION_NAME.length <= 16);
  });

  test('generation: 2.25 UUID form by default, a configured root otherwise, always valid and distinct', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const a = generateUid();
      const b = generateUid('1.2.826.0.1.3680043.10.543');
      assert.ok(a.startsWith('2.25.') && isValidUid(a), a);
      assert.ok(b.startsWith('1.2.826.0.1.3680043.10.543.') && isValidUid(b), b);
      seen.add(a).add(b);
    }
    assert.equal(seen.size, 400);
    assert.throws(() => generateUid('1.2.x'), InvalidUidError);
    assert.throws(() => generateUid(`1.${'2'.repeat(58)}`), InvalidUidError);
  });
});
