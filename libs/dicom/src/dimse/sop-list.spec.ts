import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TransferSyntaxUid } from '../core';
import { parseSopList, SopListParseError } from './sop-list';

const CT = '1.2.840.10008.5.1.4.1.1.2';
const MR = '1.2.840.10008.5.1.4.1.1.4';

describe('parseSopList (Conquest dgatesop.lst style)', () => {
  test('Conquest format: sop lines share the transfer lines, in file order', () => {
    const list = parseSopList(`
      # DICOM Application / sop / transfer UID list
      DICOM                 1.2.840.10008.3.1.1.1      application
      None                  none                       RemoteAE
      Verification          1.2.840.10008.1.1          sop
      CTImageStorage        ${CT}                      sop
      LittleEndianExplicit  1.2.840.10008.1.2.1        transfer
      LittleEndianImplicit  1.2.840.10008.1.2          transfer
    `);
    assert.deepEqual(list, [
      { abstractSyntax: '1.2.840.10008.1.1', transferSyntaxes: [TransferSyntaxUid.ExplicitVRLittleEndian, TransferSyntaxUid.ImplicitVRLittleEndian] },
      { abstractSyntax: CT, transferSyntaxes: [TransferSyntaxUid.ExplicitVRLittleEndian, TransferSyntaxUid.ImplicitVRLittleEndian] },
    ]);
  });

  test('per-class lists by UID or keyword, keywords instead of UIDs, later lines win', () => {
    const list = parseSopList(`
      MRImageStorage  -  sop  1.2.840.10008.1.2.4.90,ExplicitVRLittleEndian
      CTImageStorage  -  sop  LittleEndianImplicit
      CTImageStorage  -  sop  JPEG2000Lossless,ImplicitVRLittleEndian
    `);
    assert.deepEqual(list, [
      { abstractSyntax: MR, transferSyntaxes: ['1.2.840.10008.1.2.4.90', TransferSyntaxUid.ExplicitVRLittleEndian] },
      { abstractSyntax: CT, transferSyntaxes: [TransferSyntaxUid.JPEG2000Lossless, TransferSyntaxUid.ImplicitVRLittleEndian] },
    ]);
  });

  test('without transfer lines, defaults apply: storage keeps the proposed syntax', () => {
    const [ct] = parseSopList('CTImageStorage - sop');
    assert.ok(ct?.selectTransferSyntax);
    assert.equal(ct.selectTransferSyntax(['1.2.840.10008.1.2.4.50']), '1.2.840.10008.1.2.4.50');
  });

  test('errors name the line', () => {
    assert.throws(() => parseSopList('\nNoSuchClass - sop'), (e) => e instanceof SopListParseError && e.line === 2);
    assert.throws(() => parseSopList('CT 1.2.3 sop NotASyntax'), (e) => e instanceof SopListParseError && /NotASyntax/.test(e.message));
    assert.throws(() => parseSopList('CT 1.2.3 frobnicate'), SopListParseError);
    assert.throws(() => parseSopList('CT nope sop'), SopListParseError);
    assert.throws(() => parseSopList('CT'), SopListParseError);
  });
});
