import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DataSet, implicitVr, isValidUid, lookupTag, readDataSet, tagForKeyword, writeDataSet, type Vr } from '@pacs/dicom';
import { BASIC_PROFILE, BASIC_PROFILE_CODE, basicProfileAction, deidentify, derivedPseudonym, derivedUidMapping, UID_REPLACED_TAGS, type DeidentifyOptions } from './index';

const EXPLICIT_LE = '1.2.840.10008.1.2.1';
const SECRET = 'a-secret-of-this-installation';
const tag = (keyword: string): number => tagForKeyword(keyword) as number;

/** An identifying value of the attribute's VR, different for every attribute. */
function sample(ds: DataSet, t: number, n: number): void {
  const vr = implicitVr(t);
  const text: Partial<Record<Vr, string>> = {
    PN: `DOE^JOHN${n}`, DA: '19700101', TM: '101010', DT: '19700101101010', AS: '045Y', DS: '72.5', IS: String(n), CS: 'SECRET',
    SH: `ID${n}`, LO: `Identifying ${n}`, ST: `Identifying text ${n}`, LT: `Identifying text ${n}`, UT: `Identifying text ${n}`, UC: `Identifying ${n}`,
    AE: 'MODALITY1', UI: `1.2.826.0.1.3680043.2.1125.${n}`, UR: 'http://example.org/identifying',
  };
  if (vr === 'SQ') {
    ds.setSequence(t, [new DataSet().setStrings(tag('PatientName'), `NESTED^NAME${n}`).setStrings(tag('CodeValue'), 'X1')]);
  } else if (text[vr] !== undefined) {
    ds.setStrings(t, text[vr] as string, vr);
  } else {
    ds.setBytes(t, vr, Buffer.from([n & 0xff, 1, 2, 3]));
  }
}

function identifiedHeader(): DataSet {
  const ds = new DataSet().setStrings(tag('SpecificCharacterSet'), 'ISO_IR 100').setStrings(tag('SOPClassUID'), '1.2.840.10008.5.1.4.1.1.2').setStrings(tag('Modality'), 'CT');
  Object.keys(BASIC_PROFILE).forEach((keyword, n) => sample(ds, tag(keyword), n + 1));
  return ds;
}

const options = (overrides: Partial<DeidentifyOptions> = {}): DeidentifyOptions => ({
  uids: derivedUidMapping(SECRET, 'anonymize\0PSEUDO-1'), patientName: 'PSEUDO^ONE', patientId: 'PSEUDO-1', ...overrides,
});

describe('PS3.15 E.1 Basic Application Level Confidentiality Profile', () => {
  test('every keyword of the table is in the data dictionary', () => {
    for (const keyword of Object.keys(BASIC_PROFILE)) assert.ok(lookupTag(tag(keyword)), keyword);
  });

  test('Table E.1-1, attribute by attribute: X removed, Z zero length, D dummy, U new consistent UID', () => {
    const original = identifiedHeader();
    const ds = readDataSet(writeDataSet(original, EXPLICIT_LE), EXPLICIT_LE);
    const opts = options();
    deidentify(ds, opts);
    for (const [keyword, action] of Object.entries(BASIC_PROFILE)) {
      const t = tag(keyword);
      const before = original.get(t);
      const after = ds.get(t);
      if (keyword === 'PatientName' || keyword === 'PatientID') continue;
      switch (action) {
        case 'X':
        case 'C':
          assert.equal(after, undefined, `${keyword} (X) removed`);
          break;
        case 'Z':
          assert.ok(after, `${keyword} (Z) present`);
          if (after?.kind === 'value') assert.equal(after.value.length, 0, `${keyword} (Z) zero length`);
          else if (after?.kind === 'sequence') assert.equal(after.items.length, 0, `${keyword} (Z) empty sequence`);
          break;
        case 'D':
          assert.ok(after, `${keyword} (D) present`);
          if (after?.kind === 'value') {
            assert.ok(after.value.length > 0, `${keyword} (D) not empty`);
            assert.notDeepEqual(after.value, before?.kind === 'value' ? before.value : undefined, `${keyword} (D) replaced`);
          } else if (after?.kind === 'sequence') {
            assert.equal(after.items[0]?.dataSet.getString(tag('PatientName')), '', `${keyword} (D): identifying content of its items de-identified`);
          }
          break;
        case 'U': {
          const old = original.getUid(t) as string;
          assert.equal(ds.getUid(t), opts.uids(old), `${keyword} (U) mapped`);
          assert.notEqual(ds.getUid(t), old, `${keyword} (U) replaced`);
          break;
        }
        case 'K':
          assert.deepEqual(after, before, `${keyword} (K) kept`);
          break;
      }
    }
    assert.equal(ds.getString(tag('Modality')), 'CT', 'attributes outside the table are kept');
  });

  test('the new identity and the markers of PS3.3 C.12.1.1.4: Patient Identity Removed, method, code 113100 (DCM)', () => {
    const ds = identifiedHeader();
    deidentify(ds, options());
    assert.equal(ds.getString(tag('PatientName')), 'PSEUDO^ONE');
    assert.equal(ds.getString(tag('PatientID')), 'PSEUDO-1');
    assert.equal(ds.getString(tag('PatientIdentityRemoved')), 'YES');
    assert.ok((ds.getString(tag('DeidentificationMethod')) ?? '').length > 0);
    const [code] = ds.getItems(tag('DeidentificationMethodCodeSequence')) ?? [];
    assert.equal(code?.getString(tag('CodeValue')), BASIC_PROFILE_CODE.codeValue);
    assert.equal(code?.getString(tag('CodeValue')), '113100');
    assert.equal(code?.getString(tag('CodingSchemeDesignator')), 'DCM');
    // Written and read back: a valid data set.
    const back = readDataSet(writeDataSet(ds, EXPLICIT_LE), EXPLICIT_LE);
    assert.equal(back.getString(tag('PatientIdentityRemoved')), 'YES');
  });

  test('keep: a kept attribute (K) stays as it was', () => {
    const ds = identifiedHeader();
    const before = ds.get(tag('StudyDescription'));
    deidentify(ds, options({ keep: new Set([tag('StudyDescription')]) }));
    assert.deepEqual(ds.get(tag('StudyDescription')), before);
  });

  test('private attributes are removed at every depth, private creators included', () => {
    const nested = new DataSet().setStrings(0x00091010, 'GEMS_IDEN_01', 'LO').setBytes(0x00091001, 'LO', Buffer.from('SECRET'));
    const ds = new DataSet()
      .setStrings(0x00290010, 'SIEMENS CSA HEADER', 'LO')
      .setBytes(0x00291010, 'OB', Buffer.from([1, 2, 3, 4]))
      .setSequence(tag('ReferencedImageSequence'), [nested]);
    const report = deidentify(ds, options());
    assert.equal(ds.has(0x00290010), false);
    assert.equal(ds.has(0x00291010), false);
    assert.equal(ds.getItems(tag('ReferencedImageSequence'))?.[0]?.size, 0);
    assert.equal(report.privateRemoved, 4);
  });

  test('attributes inside sequences outside the table are handled like top-level ones (references mapped, names zeroed)', () => {
    const sop = '1.2.3.4.5.6.7';
    const ref = new DataSet().setStrings(tag('ReferencedSOPClassUID'), '1.2.840.10008.5.1.4.1.1.2').setStrings(tag('ReferencedSOPInstanceUID'), sop).setStrings(tag('PatientName'), 'DOE^JOHN');
    const ds = new DataSet().setStrings(tag('SOPInstanceUID'), sop).setSequence(tag('SourceImageSequence'), [ref]);
    const opts = options();
    deidentify(ds, opts);
    const [item] = ds.getItems(tag('SourceImageSequence')) ?? [];
    assert.equal(item?.getUid(tag('ReferencedSOPInstanceUID')), ds.getUid(tag('SOPInstanceUID')), 'the reference follows the instance');
    assert.equal(item?.getUid(tag('ReferencedSOPClassUID')), '1.2.840.10008.5.1.4.1.1.2', 'class UIDs are not instance identities');
    assert.equal(item?.getString(tag('PatientName')), '');
  });

  test('repeating groups: Overlay Data and Comments (60xx,3000/4000) and Curve Data (50xx) removed, overlay geometry kept', () => {
    assert.equal(basicProfileAction(0x60003000), 'X');
    assert.equal(basicProfileAction(0x60024000), 'X');
    assert.equal(basicProfileAction(0x50000010), 'X');
    assert.equal(basicProfileAction(0x60000010), undefined);
    const ds = new DataSet().setNumbers(0x60000010, 512, 'US').setBytes(0x60003000, 'OW', Buffer.alloc(8, 0xff)).setStrings(0x60004000, 'initials', 'LT');
    deidentify(ds, options());
    assert.deepEqual([...ds.tags()].filter((t) => t >>> 16 === 0x6000), [0x60000010]);
  });

  test('group lengths are dropped (retired, PS3.5 §7.2, and wrong after the change)', () => {
    const ds = new DataSet().setNumbers(0x00100000, 100, 'UL').setStrings(tag('PatientName'), 'DOE^JOHN');
    deidentify(ds, options());
    assert.equal(ds.has(0x00100000), false);
  });

  test('the U attributes are exactly those the caller may not keep', () => {
    for (const [keyword, action] of Object.entries(BASIC_PROFILE)) assert.equal(UID_REPLACED_TAGS.has(tag(keyword)), action === 'U', keyword);
  });
});

describe('derived UIDs and pseudonyms (PS3.5 §B.2 "2.25." from a keyed hash)', () => {
  test('deterministic: the same old UID gives the same new UID, across instances and mappers', () => {
    const a = derivedUidMapping(SECRET, 'anonymize\0P1');
    const b = derivedUidMapping(SECRET, 'anonymize\0P1');
    const study = '1.2.840.113619.2.55.3.604688119.969.1268071029.320';
    assert.equal(a(study), b(study));
    assert.equal(a(study), a(study));
    assert.notEqual(a(study), a(`${study}.1`));
  });

  test('keyed and scoped: another secret or another pseudonym gives other UIDs', () => {
    const uid = '1.2.3.4';
    assert.notEqual(derivedUidMapping(SECRET, 'anonymize\0P1')(uid), derivedUidMapping('another-secret-of-another-site', 'anonymize\0P1')(uid));
    assert.notEqual(derivedUidMapping(SECRET, 'anonymize\0P1')(uid), derivedUidMapping(SECRET, 'anonymize\0P2')(uid));
  });

  test('valid UIDs of at most 64 characters under 2.25 (PS3.5 §9.1)', () => {
    const map = derivedUidMapping(SECRET, 's');
    for (let i = 0; i < 200; i++) {
      const uid = map(`1.2.3.${i}`);
      assert.ok(isValidUid(uid) && uid.startsWith('2.25.') && uid.length <= 64, uid);
    }
  });

  test('two instances of one study de-identified apart agree on study, series and frame of reference', () => {
    const instance = (sop: string) =>
      new DataSet().setStrings(tag('SOPInstanceUID'), sop).setStrings(tag('StudyInstanceUID'), '1.2.3').setStrings(tag('SeriesInstanceUID'), '1.2.3.1').setStrings(tag('FrameOfReferenceUID'), '1.2.3.9');
    const [one, two] = [instance('1.2.3.1.1'), instance('1.2.3.1.2')];
    deidentify(one, options());
    deidentify(two, options({ uids: derivedUidMapping(SECRET, 'anonymize\0PSEUDO-1') }));
    for (const keyword of ['StudyInstanceUID', 'SeriesInstanceUID', 'FrameOfReferenceUID']) assert.equal(one.getUid(tag(keyword)), two.getUid(tag(keyword)), keyword);
    assert.notEqual(one.getUid(tag('SOPInstanceUID')), two.getUid(tag('SOPInstanceUID')));
  });

  test('pseudonyms: deterministic, keyed, prefixed', () => {
    assert.equal(derivedPseudonym(SECRET, 'patient-id', 'PID42'), derivedPseudonym(SECRET, 'patient-id', 'PID42'));
    assert.notEqual(derivedPseudonym(SECRET, 'patient-id', 'PID42'), derivedPseudonym(SECRET, 'patient-id', 'PID43'));
    assert.match(derivedPseudonym(SECRET, 'patient-id', 'PID42'), /^ANON-[0-9A-F]{16}$/);
  });
});
