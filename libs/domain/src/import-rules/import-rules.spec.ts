import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DataSet, isValidUid, readDataSet, writeDataSet } from '@pacs/dicom';
import { compileImportRules, InvalidImportRuleError, ImportRuleFailedError, remappedUid, type ImportContext, type ImportRuleConfig } from './index';
import { NEW_UIDS_KEYWORDS, NEW_UIDS_TAGS } from './new-uids';

const CT = '1.2.840.10008.5.1.4.1.1.2';
const MR = '1.2.840.10008.5.1.4.1.1.4';
const EXPLICIT_LE = '1.2.840.10008.1.2.1';
const ctx: ImportContext = { callingAe: 'CT_SCANNER1', calledAe: 'PACS', sopClassUid: CT };
const SECRET = 'a-secret-salt-of-the-site';

function header(overrides: (ds: DataSet) => void = () => undefined): DataSet {
  const ds = new DataSet()
    .setStrings(0x00080005, 'ISO_IR 100')
    .setStrings(0x00080016, CT)
    .setStrings(0x00080018, '1.2.3.4.5.6')
    .setStrings(0x00080060, 'CT')
    .setStrings(0x00080080, 'Old Hospital')
    .setStrings(0x00081010, 'CT01')
    .setStrings(0x00100010, 'DOE^JANE')
    .setStrings(0x00100020, 'PID42')
    .setStrings(0x0020000d, '1.2.3.4')
    .setStrings(0x0020000e, '1.2.3.4.5')
    .setNumbers(0x00280010, 512);
  overrides(ds);
  return ds;
}

const decide = (rules: ImportRuleConfig[], ds = header(), context = ctx) => compileImportRules(rules, { uidSecret: SECRET }).apply(context, ds);
const tierRule = (match: ImportRuleConfig['match']): ImportRuleConfig[] => [{ match, actions: [{ action: 'tier', tier: 'matched' }] }];
const matched = (match: ImportRuleConfig['match'], ds = header(), context = ctx): boolean => {
  const d = decide(tierRule(match), ds, context);
  return d.kind === 'store' && d.tier === 'matched';
};

describe('import rules: matching (Conquest ImportCalledAE / ImportCallingAE / ImportModality)', () => {
  test('no criteria: every object matches', () => assert.equal(matched(undefined), true));

  test('AE titles: * any run, ? one character, compared without padding spaces (PS3.5 §6.2 AE)', () => {
    assert.equal(matched({ callingAe: 'CT_*' }), true);
    assert.equal(matched({ callingAe: 'CT_SCANNER?' }), true);
    assert.equal(matched({ callingAe: 'CT_SCANNER' }), false);
    assert.equal(matched({ callingAe: 'MR*' }), false);
    assert.equal(matched({ calledAe: 'PACS' }, header(), { ...ctx, calledAe: 'PACS ' }), true);
    assert.equal(matched({ calledAe: 'ARCHIVE' }), false);
  });

  test('modality: one pattern or a list; "" matches only an empty modality', () => {
    assert.equal(matched({ modality: 'CT' }), true);
    assert.equal(matched({ modality: ['MR', 'C?'] }), true);
    assert.equal(matched({ modality: ['MR', 'US'] }), false);
    assert.equal(matched({ modality: '' }), false);
    assert.equal(matched({ modality: '' }, header((ds) => ds.delete(0x00080060))), true);
    assert.equal(matched({ modality: '*' }, header((ds) => ds.delete(0x00080060))), true);
  });

  test('SOP class UID list', () => {
    assert.equal(matched({ sopClassUids: [MR, CT] }), true);
    assert.equal(matched({ sopClassUids: [MR] }), false);
  });

  test('attribute conditions: equals, matches (regular expression), present; all must hold', () => {
    assert.equal(matched({ attributes: [{ tag: '00081010', equals: 'CT01' }] }), true);
    assert.equal(matched({ attributes: [{ tag: '(0008,1010)', equals: 'CT0' }] }), false);
    assert.equal(matched({ attributes: [{ tag: 'StationName', matches: '^CT\\d+$' }] }), true);
    assert.equal(matched({ attributes: [{ tag: 'Rows', equals: '512' }] }), true, 'binary values compare as numbers');
    assert.equal(matched({ attributes: [{ tag: 'PatientName', matches: 'DOE' }, { tag: 'PatientID', equals: 'other' }] }), false);
    assert.equal(matched({ attributes: [{ tag: 'AccessionNumber', present: false }] }), true);
    assert.equal(matched({ attributes: [{ tag: 'AccessionNumber', matches: '.*' }] }), false, 'an absent attribute matches no expression');
    assert.equal(matched({ callingAe: 'CT*', modality: 'CT', attributes: [{ tag: 'PatientID', present: true }] }), true);
  });
});

describe('import rules: actions', () => {
  test('set: the value is encoded for its VR; 0xB000 names the tag; setting the same value again changes nothing', () => {
    const ds = header();
    const d = decide([{ actions: [{ action: 'set', tag: 'InstitutionName', value: 'General Hospital' }] }], ds);
    assert.deepEqual(d, { kind: 'store', modified: true, coerced: [0x00080080], tier: undefined, applied: ['importRules[0]'] });
    assert.equal(ds.getString(0x00080080), 'General Hospital');
    assert.equal(ds.get(0x00080080)?.vr, 'LO');
    const again = decide([{ actions: [{ action: 'set', tag: 'InstitutionName', value: 'General Hospital' }] }], ds);
    assert.equal(again.kind === 'store' && again.modified, false);
  });

  test('set: numbers for binary VRs, several values, a private tag with its VR', () => {
    const ds = header();
    decide([{ actions: [
      { action: 'set', tag: '00280011', value: 256 },
      { action: 'set', tag: '00080008', value: ['DERIVED', 'SECONDARY'] },
      { action: 'set', tag: '00291010', vr: 'LO', value: 'private' },
    ] }], ds);
    assert.deepEqual(ds.getNumbers(0x00280011), [256]);
    assert.deepEqual(ds.getStrings(0x00080008), ['DERIVED', 'SECONDARY']);
    assert.equal(ds.getString(0x00291010), 'private');
  });

  test('set: a value outside the data set character set fails the rule instead of storing something else', () => {
    const ds = header((d) => d.delete(0x00080005));
    assert.throws(() => decide([{ name: 'greek', actions: [{ action: 'set', tag: 'InstitutionName', value: 'Νοσοκομείο' }] }], ds),
      (e) => e instanceof ImportRuleFailedError && e.rule === 'greek');
  });

  test('delete: removes the attribute; deleting an absent one is no change', () => {
    const ds = header();
    const d = decide([{ actions: [{ action: 'delete', tag: 'StationName' }, { action: 'delete', tag: 'AccessionNumber' }] }], ds);
    assert.equal(ds.has(0x00081010), false);
    assert.deepEqual(d.kind === 'store' && d.coerced, [0x00081010]);
  });

  test('copy: value to another tag with the target VR; from an absent tag nothing happens', () => {
    const ds = header();
    const d = decide([{ actions: [{ action: 'copy', from: 'PatientID', to: 'OtherPatientIDs' }, { action: 'copy', from: 'AccessionNumber', to: 'StudyID' }] }], ds);
    assert.equal(ds.getString(0x00101000), 'PID42');
    assert.equal(ds.get(0x00101000)?.vr, 'LO');
    assert.equal(ds.has(0x00200010), false);
    assert.deepEqual(d.kind === 'store' && d.coerced, [0x00101000]);
  });

  test('copy of a sequence is deep: newUids after it remaps each copy once', () => {
    const item = new DataSet().setStrings(0x00081150, CT).setStrings(0x00081155, '1.2.3.99');
    const ds = header((d) => d.setSequence(0x00081140, [item]));
    decide([{ actions: [{ action: 'copy', from: 'ReferencedImageSequence', to: 'SourceImageSequence' }, { action: 'newUids' }] }], ds);
    const expected = remappedUid(SECRET, '1.2.3.99');
    assert.equal(ds.getItems(0x00081140)?.[0]?.getUid(0x00081155), expected);
    assert.equal(ds.getItems(0x00082112)?.[0]?.getUid(0x00081155), expected);
  });

  test('newUids: Study/Series/SOP Instance UIDs and references remapped consistently; class UIDs kept; except honoured', () => {
    const ref = new DataSet().setStrings(0x00081150, CT).setStrings(0x00081155, '1.2.3.4.5.7');
    const ds = header((d) => d.setStrings(0x00200052, '1.2.3.9').setSequence(0x00081140, [ref]));
    const d = decide([{ actions: [{ action: 'newUids', except: ['FrameOfReferenceUID'] }] }], ds);
    assert.equal(ds.getUid(0x0020000d), remappedUid(SECRET, '1.2.3.4'));
    assert.equal(ds.getUid(0x0020000e), remappedUid(SECRET, '1.2.3.4.5'));
    assert.equal(ds.getUid(0x00080018), remappedUid(SECRET, '1.2.3.4.5.6'));
    assert.equal(ds.getUid(0x00080016), CT);
    assert.equal(ds.getUid(0x00200052), '1.2.3.9');
    assert.equal(ds.getItems(0x00081140)?.[0]?.getUid(0x00081155), remappedUid(SECRET, '1.2.3.4.5.7'));
    assert.equal(ds.getItems(0x00081140)?.[0]?.getUid(0x00081150), CT);
    assert.deepEqual(d.kind === 'store' && d.coerced, [0x00080018, 0x00081140, 0x0020000d, 0x0020000e]);
  });

  test('newUids: deterministic per (secret, original UID), a valid 2.25 UUID-derived UID, different per secret and per UID', () => {
    const a = remappedUid(SECRET, '1.2.3.4');
    assert.equal(remappedUid(SECRET, '1.2.3.4'), a);
    assert.notEqual(remappedUid('another secret', '1.2.3.4'), a);
    assert.notEqual(remappedUid(SECRET, '1.2.3.5'), a);
    assert.match(a, /^2\.25\.[1-9]\d*$/);
    assert.ok(isValidUid(a) && a.length <= 64);
    const uuid = BigInt(a.slice(5)).toString(16).padStart(32, '0');
    assert.equal(uuid[12], '8', 'RFC 9562 version 8');
    assert.ok(['8', '9', 'a', 'b'].includes(uuid[16] as string), 'RFC 9562 variant');
    assert.equal(NEW_UIDS_TAGS.size, NEW_UIDS_KEYWORDS.length, 'every keyword is in the dictionary');
  });

  test('reject: status and comment; nothing after it runs', () => {
    const ds = header();
    const d = decide([
      { name: 'no strangers', match: { callingAe: 'CT_*' }, actions: [{ action: 'reject', status: 0xa7ff, comment: 'go away' }, { action: 'delete', tag: 'PatientName' }] },
      { actions: [{ action: 'delete', tag: 'PatientID' }] },
    ], ds);
    assert.deepEqual(d, { kind: 'reject', status: 0xa7ff, comment: 'go away', rule: 'no strangers' });
    assert.ok(ds.has(0x00100010) && ds.has(0x00100020));
    assert.deepEqual(decide([{ actions: [{ action: 'reject' }] }]), { kind: 'reject', status: 0x0124, comment: 'refused by an import rule', rule: 'importRules[0]' });
  });

  test('tier: recorded, last matching rule wins, no coercion', () => {
    const d = decide([{ actions: [{ action: 'tier', tier: 'fast' }] }, { match: { modality: 'CT' }, actions: [{ action: 'tier', tier: 'ct-tier' }] }]);
    assert.deepEqual(d, { kind: 'store', modified: false, coerced: [], tier: 'ct-tier', applied: ['importRules[0]', 'importRules[1]'] });
  });

  test('rules run in order and see earlier changes; silent rules modify without 0xB000', () => {
    const ds = header();
    const d = decide([
      { name: 'quiet', silent: true, actions: [{ action: 'set', tag: 'StationName', value: 'CT02' }] },
      { name: 'sees CT02', match: { attributes: [{ tag: 'StationName', equals: 'CT02' }] }, actions: [{ action: 'tier', tier: 'second' }] },
    ], ds);
    assert.deepEqual(d, { kind: 'store', modified: true, coerced: [], tier: 'second', applied: ['quiet', 'sees CT02'] });
  });

  test('a modified data set loses its group lengths (retired, PS3.5 §7.2) and re-encodes readable', () => {
    const ds = header((d) => d.setNumbers(0x00080000, 1234, 'UL'));
    decide([{ actions: [{ action: 'set', tag: 'InstitutionName', value: 'Elsewhere' }] }], ds);
    assert.equal(ds.has(0x00080000), false);
    const back = readDataSet(writeDataSet(ds, EXPLICIT_LE), EXPLICIT_LE);
    assert.equal(back.getString(0x00080080), 'Elsewhere');
    const untouched = header((d) => d.setNumbers(0x00080000, 1234, 'UL'));
    decide([{ actions: [{ action: 'tier', tier: 'x' }] }], untouched);
    assert.equal(untouched.has(0x00080000), true, 'an unmodified data set keeps them');
  });
});

describe('import rules: configuration errors name the key', () => {
  const cases: Array<[string, ImportRuleConfig, RegExp]> = [
    ['unknown keyword', { actions: [{ action: 'delete', tag: 'NoSuchKeyword' }] }, /importRules\[0\]\.actions\[0\]\.tag/],
    ['no actions', { actions: [] }, /importRules\[0\]\.actions: a rule needs/],
    ['SOP Class UID', { actions: [{ action: 'set', tag: 'SOPClassUID', value: MR }] }, /SOP Class UID is fixed/],
    ['deleting a key UID', { actions: [{ action: 'delete', tag: 'StudyInstanceUID' }] }, /cannot be deleted/],
    ['invalid UID value', { actions: [{ action: 'set', tag: 'SOPInstanceUID', value: '1.02.3' }] }, /not a valid UID/],
    ['too long for the VR', { actions: [{ action: 'set', tag: 'StationName', value: 'x'.repeat(17) }] }, /16 characters VR SH/],
    ['private tag without VR', { actions: [{ action: 'set', tag: '00291010', value: 'x' }] }, /give its vr/],
    ['numbers for US', { actions: [{ action: 'set', tag: 'Rows', value: 'many' }] }, /takes numbers/],
    ['US range', { actions: [{ action: 'set', tag: 'Rows', value: 70000 }] }, /integers from 0 to 65535/],
    ['OB', { actions: [{ action: 'set', tag: '00291010', vr: 'OB', value: 1 }] }, /cannot be set/],
    ['Pixel Data', { actions: [{ action: 'delete', tag: 'PixelData' }] }, /stored untouched/],
    ['file meta', { actions: [{ action: 'delete', tag: '00020010' }] }, /file meta/],
    ['group length', { actions: [{ action: 'delete', tag: '00080000' }] }, /group lengths/],
    ['bad regular expression', { match: { attributes: [{ tag: 'PatientID', matches: '(' }] }, actions: [{ action: 'tier', tier: 'a' }] }, /matches: not a regular expression/],
    ['two tests in one condition', { match: { attributes: [{ tag: 'PatientID', equals: 'a', present: true }] }, actions: [{ action: 'tier', tier: 'a' }] }, /exactly one of/],
    ['a success status', { actions: [{ action: 'reject', status: 0x0000 }] }, /not a C-STORE failure status/],
    ['a warning status', { actions: [{ action: 'reject', status: 0xb000 }] }, /not a C-STORE failure status/],
    ['bad tier', { actions: [{ action: 'tier', tier: 'Fast Tier' }] }, /tier name/],
    ['bad SOP class UID', { match: { sopClassUids: ['abc'] }, actions: [{ action: 'tier', tier: 'a' }] }, /sopClassUids\[0\]/],
  ];
  for (const [name, rule, message] of cases) {
    test(name, () => assert.throws(() => compileImportRules([rule], { uidSecret: SECRET }), (e) => e instanceof InvalidImportRuleError && message.test(e.message)));
  }

  test('newUids without a secret is refused at start, not at the first object', () => {
    assert.throws(() => compileImportRules([{ actions: [{ action: 'newUids' }] }]), /uidRemapSecret/);
  });
});
