import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { implicitVr, lookupKeyword, lookupTag, tagForKeyword } from './dictionary';
import { formatTag, InvalidTagError, parseTag } from './tag';
import { VR_INFO, vrInfo } from './vr';
import { dataSetEncoding, findTransferSyntax, TRANSFER_SYNTAXES } from './transfer-syntax';

describe('PS3.6 data dictionary (generated from dcmjs)', () => {
  test('lookup by tag and by keyword', () => {
    assert.deepStrictEqual(lookupTag(0x00100010), { tag: 0x00100010, vr: 'PN', vm: '1', keyword: 'PatientName', retired: false });
    assert.equal(lookupKeyword('StudyInstanceUID')?.tag, 0x0020000d);
    assert.equal(tagForKeyword('PixelData'), 0x7fe00010);
    assert.equal(lookupTag(0x7fe00010)?.vr, 'OB|OW');
    assert.equal(lookupTag(0x00000100)?.keyword, 'CommandField');
    assert.equal(lookupKeyword('NoSuchKeyword'), undefined);
  });

  test('retired elements are marked and keep their keyword without a prefix', () => {
    const e = lookupTag(0x00000001);
    assert.equal(e?.keyword, 'CommandLengthToEnd');
    assert.equal(e?.retired, true);
  });

  test('repeating groups 60xx and 50xx resolve to their base entry', () => {
    assert.equal(lookupTag(0x60023000)?.keyword, 'OverlayData');
    assert.equal(lookupTag(0x60023000)?.repeatingBase, 0x60003000);
    assert.equal(lookupTag(0x601e0010)?.keyword, 'OverlayRows');
    assert.equal(lookupTag(0x50020005)?.keyword, 'CurveDimensions');
    assert.equal(lookupTag(0x60013000), undefined, 'odd groups are private, not overlays');
  });

  test('group lengths and private creators', () => {
    assert.equal(lookupTag(0x00090000)?.vr, 'UL');
    assert.deepStrictEqual([lookupTag(0x00290010)?.vr, lookupTag(0x00290010)?.keyword], ['LO', 'PrivateCreator']);
    assert.equal(lookupTag(0x00291001), undefined);
  });

  test('implicit VR picks one VR where PS3.6 allows several, UN when unknown', () => {
    assert.equal(implicitVr(0x7fe00010), 'OW');
    assert.equal(implicitVr(0x00280106), 'US');
    assert.equal(implicitVr(0x00291001), 'UN');
    assert.equal(implicitVr(0x00400275), 'SQ');
  });
});

describe('tags', () => {
  test('format and parse', () => {
    assert.equal(formatTag(0x7fe00010), '(7FE0,0010)');
    assert.equal(parseTag('(0010,0010)'), 0x00100010);
    assert.equal(parseTag('0010,0020'), 0x00100020);
    assert.equal(parseTag('7fe00010'), 0x7fe00010);
    assert.equal(parseTag('PatientID'), 0x00100020);
    assert.throws(() => parseTag('Nope'), InvalidTagError);
  });
});

describe('PS3.5 §6.2 VRs', () => {
  test('explicit length field size, padding and kind', () => {
    const four = Object.entries(VR_INFO).filter(([, i]) => i.explicitLengthSize === 4).map(([vr]) => vr).sort();
    assert.deepStrictEqual(four, ['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'SV', 'UC', 'UN', 'UR', 'UT', 'UV']);
    assert.equal(VR_INFO.UI.padding, 0x00);
    assert.equal(VR_INFO.PN.padding, 0x20);
    assert.equal(VR_INFO.OB.padding, 0x00);
    assert.equal(VR_INFO.LT.multiValued, false);
    assert.equal(VR_INFO.FD.swapUnit, 8);
    assert.equal(vrInfo('XX').explicitLengthSize, 4, 'unknown VRs use the 4-byte form');
  });
});

describe('PS3.6 Annex A transfer syntaxes', () => {
  test('one list with unique UIDs and the native, deflated and encapsulated ones marked', () => {
    assert.equal(new Set(TRANSFER_SYNTAXES.map((t) => t.uid)).size, TRANSFER_SYNTAXES.length);
    assert.equal(findTransferSyntax('1.2.840.10008.1.2')?.explicitVr, false);
    assert.equal(findTransferSyntax('1.2.840.10008.1.2.2')?.littleEndian, false);
    assert.equal(findTransferSyntax('1.2.840.10008.1.2.2')?.retired, true);
    assert.equal(findTransferSyntax('1.2.840.10008.1.2.1.99')?.deflated, true);
    for (const uid of ['1.2.840.10008.1.2.4.50', '1.2.840.10008.1.2.4.70', '1.2.840.10008.1.2.4.80', '1.2.840.10008.1.2.4.90', '1.2.840.10008.1.2.5', '1.2.840.10008.1.2.4.100', '1.2.840.10008.1.2.4.102', '1.2.840.10008.1.2.4.107', '1.2.840.10008.1.2.4.201']) {
      assert.equal(findTransferSyntax(uid)?.pixelData, 'encapsulated', uid);
    }
  });

  test('unknown transfer syntaxes encode the data set as Explicit VR LE (PS3.5 §10.1)', () => {
    assert.deepStrictEqual(dataSetEncoding('1.2.3.4'), { explicitVr: true, littleEndian: true, deflated: false });
  });
});
