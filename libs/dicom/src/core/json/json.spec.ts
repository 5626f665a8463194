import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { DataSet } from '../data-set';
import { readFileMetaInformation } from '../file-meta';
import { readDataSet } from '../reader';
import { randomDataSet } from '../testing/random-data-set';
import { DicomJsonError, type DicomJson } from './dicom-json';
import { fromDicomJson } from './from-json';
import { toDicomJson } from './to-json';

const fixture = (name: string): DataSet => {
  const file = readFileSync(new URL(`../../../../../test/fixtures/datasets/${name}`, import.meta.url));
  const { meta, dataSetOffset } = readFileMetaInformation(file);
  return readDataSet(file.subarray(dataSetOffset), meta.transferSyntaxUid);
};

/** `dcm2json -fc explicit-le-undefined-lengths.dcm` (DCMTK 3.6.7), also what it prints for explicit-be.dcm. */
const DCM2JSON = String.raw`{"00080005":{"vr":"CS","Value":["ISO_IR 192"]},"00080008":{"vr":"CS","Value":["ORIGINAL","PRIMARY","AXIAL"]},"00080016":{"vr":"UI","Value":["1.2.840.10008.5.1.4.1.1.7"]},"00080018":{"vr":"UI","Value":["1.2.826.0.1.3680043.10.543.1.1"]},"00080020":{"vr":"DA","Value":["20240131"]},"00080030":{"vr":"TM","Value":["101500.123"]},"00080060":{"vr":"CS","Value":["OT"]},"00080070":{"vr":"LO","Value":["ACME Imaging"]},"00100010":{"vr":"PN","Value":[{"Alphabetic":"Buc^Jérôme"}]},"00100020":{"vr":"LO","Value":["PID-0001"]},"00100030":{"vr":"DA","Value":["19700101"]},"00101010":{"vr":"AS","Value":["054Y"]},"00180050":{"vr":"DS","Value":[1.25]},"0020000D":{"vr":"UI","Value":["1.2.826.0.1.3680043.10.543.2"]},"0020000E":{"vr":"UI","Value":["1.2.826.0.1.3680043.10.543.3"]},"00200013":{"vr":"IS","Value":[7]},"00200032":{"vr":"DS","Value":[-125.5,-130.25,42]},"00280002":{"vr":"US","Value":[1]},"00280004":{"vr":"CS","Value":["MONOCHROME2"]},"00280010":{"vr":"US","Value":[4]},"00280011":{"vr":"US","Value":[4]},"00280030":{"vr":"DS","Value":[0.5,0.5]},"00280100":{"vr":"US","Value":[16]},"00280101":{"vr":"US","Value":[12]},"00280102":{"vr":"US","Value":[11]},"00280103":{"vr":"US","Value":[0]},"00281050":{"vr":"DS","Value":[40]},"00281051":{"vr":"DS","Value":[400]},"00290010":{"vr":"LO","Value":["ACME PRIVATE 1.0"]},"00291001":{"vr":"OB","InlineBinary":"AQIDBA=="},"00291002":{"vr":"SL","Value":[-5,70000]},"00291003":{"vr":"FD","Value":[3.25]},"00400275":{"vr":"SQ","Value":[{"00400008":{"vr":"SQ","Value":[{"00080100":{"vr":"SH","Value":["CODE1"]},"00080102":{"vr":"SH","Value":["99TEST"]},"00080104":{"vr":"LO","Value":["Meaning ä"]},"00080121":{"vr":"SQ","Value":[{"00080100":{"vr":"SH","Value":["EQ1"]},"00080102":{"vr":"SH","Value":["99TEST"]}}]}}]},"00400009":{"vr":"SH","Value":["SPS-1"]}}]},"7FE00010":{"vr":"OW","InlineBinary":"AAAQACAAMABAAFAAYABwAIAAkACgALAAwADQAOAA8AA="}}`;

const assertBytes = (actual: Buffer | undefined, expected: Buffer): void => assert.equal(actual?.toString('hex'), expected.toString('hex'));

/** Through text and back, as jsonb storage or an HTTP body would carry it. */
const viaText = (json: DicomJson): DicomJson => JSON.parse(JSON.stringify(json)) as DicomJson;

describe('PS3.18 §F.2 DataSet → DICOM JSON', () => {
  for (const name of ['explicit-le-undefined-lengths.dcm', 'explicit-le-defined-lengths.dcm', 'explicit-be.dcm', 'deflated.dcm']) {
    test(`${name}: same JSON as DCMTK dcm2json (Latin-1 decoded, (0008,0005) = ISO_IR 192)`, () => {
      assert.deepStrictEqual(viaText(toDicomJson(fixture(name))), JSON.parse(DCM2JSON));
    });
  }

  test('F.2 value shapes: PN groups, IS/DS numbers, AT hex, empty values as null, no "Value" when empty', () => {
    const ds = new DataSet()
      .setStrings(0x00080061, ['CT', '', 'PT'])
      .setStrings(0x00080090, '^Bob^^Dr.')
      .setStrings(0x00100010, ['Doe^John', '=Ideo^Only'])
      .setStrings(0x00100020, '')
      .setStrings(0x00201206, '4')
      .setStrings(0x00280030, ['0.5', '1.50'])
      .setNumbers(0x00209165, [0x00209056, 0x0018106a], 'AT')
      .setNumbers(0x00280010, 512)
      .setNumbers(0x00181310, [0, 256, 256, 0])
      .setNumbers(0x00186028, 0.1, 'FL')
      .setSequence(0x00081115, []);
    assert.deepStrictEqual(toDicomJson(ds), {
      '00080061': { vr: 'CS', Value: ['CT', null, 'PT'] },
      '00080090': { vr: 'PN', Value: [{ Alphabetic: '^Bob^^Dr.' }] },
      '00081115': { vr: 'SQ' },
      '00100010': { vr: 'PN', Value: [{ Alphabetic: 'Doe^John' }, { Ideographic: 'Ideo^Only' }] },
      '00100020': { vr: 'LO' },
      '00181310': { vr: 'US', Value: [0, 256, 256, 0] },
      '00186028': { vr: 'FL', Value: [0.1] },
      '00201206': { vr: 'IS', Value: [4] },
      '00209165': { vr: 'AT', Value: ['00209056', '0018106A'] },
      '00280010': { vr: 'US', Value: [512] },
      '00280030': { vr: 'DS', Value: [0.5, 1.5] },
    });
  });

  test('keyword-less private attributes, UN and unknown VR codes become InlineBinary', () => {
    const ds = new DataSet()
      .setStrings(0x00090010, 'Vendor A', 'LO')
      .setBytes(0x00091002, 'UN', Buffer.from('cf4c7d73cbfb', 'hex'))
      .setBytes(0x00091003, 'ZZ', Buffer.from([1, 2]));
    assert.deepStrictEqual(toDicomJson(ds), {
      '00090010': { vr: 'LO', Value: ['Vendor A'] },
      '00091002': { vr: 'UN', InlineBinary: 'z0x9c8v7' },
      '00091003': { vr: 'UN', InlineBinary: 'AQI=' },
    });
  });

  test('PS3.5 H.3.1 Japanese ISO 2022 IR 87 PN becomes Unicode Alphabetic/Ideographic/Phonetic', () => {
    const pn = Buffer.from('Yamada^Tarou=\x1b$B;3ED\x1b(B^\x1b$BB@O:\x1b(B=\x1b$B$d$^$@\x1b(B^\x1b$B$?$m$&\x1b(B', 'latin1');
    const ds = new DataSet().setStrings(0x00080005, '\\ISO 2022 IR 87').setBytes(0x00100010, 'PN', pn);
    const json = toDicomJson(ds);
    assert.deepStrictEqual(json, {
      '00080005': { vr: 'CS', Value: ['ISO_IR 192'] },
      '00100010': { vr: 'PN', Value: [{ Alphabetic: 'Yamada^Tarou', Ideographic: '山田^太郎', Phonetic: 'やまだ^たろう' }] },
    });
    const back = fromDicomJson(json);
    assert.equal(back.getString(0x00080005), 'ISO_IR 192');
    assertBytes(back.getBytes(0x00100010), Buffer.from('Yamada^Tarou=山田^太郎=やまだ^たろう', 'utf8'));
  });

  test('items inherit the character set of the data set holding the sequence', () => {
    const item = new DataSet().setBytes(0x00080104, 'LO', Buffer.from('Meaning \xe4', 'latin1'));
    const ds = new DataSet().setStrings(0x00080005, 'ISO_IR 100').setSequence(0x00400275, [item]);
    assert.deepStrictEqual(toDicomJson(ds)['00400275'], { vr: 'SQ', Value: [{ '00080104': { vr: 'LO', Value: ['Meaning ä'] } }] });
  });

  test('SV/UV beyond 2^53 are strings; NaN and infinities are strings too', () => {
    const sv = Buffer.alloc(16);
    sv.writeBigInt64LE(-5n, 0);
    sv.writeBigInt64LE(2n ** 62n, 8);
    const fd = Buffer.alloc(16);
    fd.writeDoubleLE(NaN, 0);
    fd.writeDoubleLE(-Infinity, 8);
    const ds = new DataSet().setBytes(0x00720082, 'SV', sv).setBytes(0x00189219, 'FD', fd);
    const json = toDicomJson(ds);
    assert.deepStrictEqual(json['00720082'], { vr: 'SV', Value: [-5, '4611686018427387904'] });
    assert.deepStrictEqual(json['00189219'], { vr: 'FD', Value: ['NaN', '-Infinity'] });
    const back = fromDicomJson(viaText(json));
    assertBytes(back.getBytes(0x00720082), sv);
    assertBytes(back.getBytes(0x00189219), fd);
  });
});

describe('PS3.18 §F.2 DICOM JSON → DataSet', () => {
  // The shapes of the PS3.18 Annex F example: PN with an ideographic group, IS numbers, a
  // sequence of two items, a private creator and a UN private value.
  const example: DicomJson = {
    '00080005': { vr: 'CS', Value: ['ISO_IR 192'] },
    '00080020': { vr: 'DA', Value: ['20130409'] },
    '00080030': { vr: 'TM', Value: ['131600.0000'] },
    '00080050': { vr: 'SH', Value: ['11235813'] },
    '00080056': { vr: 'CS', Value: ['ONLINE'] },
    '00080061': { vr: 'CS', Value: ['CT', 'PET'] },
    '00080090': { vr: 'PN', Value: [{ Alphabetic: '^Bob^^Dr.' }] },
    '00081190': { vr: 'UR', Value: ['http://wado.nema.org/studies/1.2.392.200036.9116.2.2.2.1762893313.1029997326.945873'] },
    '00090010': { vr: 'LO', Value: ['Vendor A'] },
    '00091002': { vr: 'UN', InlineBinary: 'z0x9c8v7' },
    '00100010': { vr: 'PN', Value: [{ Alphabetic: 'Wang^XiaoDong', Ideographic: '王^小東' }] },
    '00100020': { vr: 'LO', Value: ['12345'] },
    '00100021': { vr: 'LO', Value: ['Hospital A'] },
    '00100030': { vr: 'DA', Value: ['19670701'] },
    '00100040': { vr: 'CS', Value: ['M'] },
    '00101002': {
      vr: 'SQ',
      Value: [
        { '00100020': { vr: 'LO', Value: ['54321'] }, '00100021': { vr: 'LO', Value: ['Hospital B'] } },
        { '00100020': { vr: 'LO', Value: ['24680'] }, '00100021': { vr: 'LO', Value: ['Hospital C'] } },
      ],
    },
    '0020000D': { vr: 'UI', Value: ['1.2.392.200036.9116.2.2.2.1762893313.1029997326.945873'] },
    '00201206': { vr: 'IS', Value: [4] },
    '00201208': { vr: 'IS', Value: [942] },
  };

  test('the Annex F example round-trips, with PN in UTF-8 and IS as text', () => {
    const ds = fromDicomJson(example);
    assertBytes(ds.getBytes(0x00100010), Buffer.from('Wang^XiaoDong=王^小東', 'utf8'));
    assertBytes(ds.getBytes(0x00201208), Buffer.from('942 '));
    assertBytes(ds.getBytes(0x0020000d), Buffer.from('1.2.392.200036.9116.2.2.2.1762893313.1029997326.945873'));
    assertBytes(ds.getBytes(0x00091002), Buffer.from('cf4c7d73cbfb', 'hex'));
    assert.deepStrictEqual(ds.getItems(0x00101002)?.map((item) => item.getString(0x00100021)), ['Hospital B', 'Hospital C']);
    assert.deepStrictEqual([...ds.tags()], [...ds.tags()].sort((a, b) => a - b));
    assert.deepStrictEqual(toDicomJson(ds), example);
  });

  test('non-ASCII text anywhere sets (0008,0005) to ISO_IR 192; all-ASCII keeps the one given', () => {
    const nested: DicomJson = {
      '00400275': { vr: 'SQ', Value: [{ '00080104': { vr: 'LO', Value: ['Meaning ä'] } }] },
    };
    const ds = fromDicomJson(nested);
    assert.equal(ds.getString(0x00080005), 'ISO_IR 192');
    assertBytes(ds.getItems(0x00400275)?.[0]?.getBytes(0x00080104), Buffer.from('Meaning ä', 'utf8'));
    assert.equal(ds.getItems(0x00400275)?.[0]?.getString(0x00080104), 'Meaning ä');

    const ascii = fromDicomJson({ '00080005': { vr: 'CS', Value: ['ISO_IR 100'] }, '00100010': { vr: 'PN', Value: [{ Alphabetic: 'Doe' }] } });
    assert.equal(ascii.getString(0x00080005), 'ISO_IR 100');
    assert.equal(fromDicomJson({ '00100020': { vr: 'LO', Value: ['X'] } }).has(0x00080005), false);
  });

  test('null values, empty attributes, empty items, AT, DS numbers', () => {
    const ds = fromDicomJson({
      '00080008': { vr: 'CS', Value: ['ORIGINAL', null, 'AXIAL'] },
      '00100020': { vr: 'LO' },
      '00081115': { vr: 'SQ', Value: [{}] },
      '00209165': { vr: 'AT', Value: ['00209056'] },
      '00280030': { vr: 'DS', Value: [0.5, 1 / 3] },
      '00291010': { vr: 'OB' },
    });
    assert.equal(ds.getBytes(0x00080008)?.toString('latin1'), 'ORIGINAL\\\\AXIAL ');
    assert.equal(ds.getBytes(0x00100020)?.length, 0);
    assert.equal(ds.getItems(0x00081115)?.[0]?.size, 0);
    assert.deepStrictEqual(ds.getNumbers(0x00209165), [0x00209056]);
    assert.equal(ds.getString(0x00280030), '0.5\\0.33333333333333');
    assert.equal(ds.getBytes(0x00291010)?.length, 0);
  });

  test('BulkDataURI is fetched through the resolver', () => {
    const json: DicomJson = { '00420011': { vr: 'OB', BulkDataURI: 'http://x/bulk/1' } };
    assert.throws(() => fromDicomJson(json), (e: unknown) => e instanceof DicomJsonError && e.reason === 'unresolved-bulk-data' && e.key === '00420011');
    const ds = fromDicomJson(json, { resolveBulkData: (uri) => Buffer.from(uri) });
    assert.equal(ds.getBytes(0x00420011)?.toString(), 'http://x/bulk/1\0');
  });

  test('malformed JSON is a DicomJsonError naming the key', () => {
    const cases: Array<[unknown, string, string]> = [
      [{ '0010001': { vr: 'LO' } }, 'invalid-tag', '0010001'],
      [{ '00100020': { Value: ['x'] } }, 'invalid-vr', '00100020'],
      [{ '00100020': { vr: 'XX' } }, 'invalid-vr', '00100020'],
      [{ '7FE00010': { vr: 'OB', Value: [1] } }, 'invalid-value', '7FE00010'],
      [{ '00201208': { vr: 'IS', Value: [1.5] } }, 'invalid-value', '00201208'],
      [{ '00209165': { vr: 'AT', Value: ['(0020,9056)'] } }, 'invalid-value', '00209165'],
      [{ '00280010': { vr: 'US', Value: [70000] } }, 'invalid-value', '00280010'],
      [{ '00280010': { vr: 'US', Value: ['512'] } }, 'invalid-value', '00280010'],
      [{ '00081030': { vr: 'LO', Value: [{ a: 1 }] } }, 'invalid-value', '00081030'],
      [{ '00080018': { vr: 'UI', Value: ['1.2.Ω'] } }, 'invalid-value', '00080018'],
      [{ '00081115': { vr: 'SQ', Value: ['not an item'] } }, 'invalid-value', '00081115'],
    ];
    for (const [json, reason, key] of cases) {
      assert.throws(() => fromDicomJson(json as DicomJson), (e: unknown) => e instanceof DicomJsonError && e.reason === reason && e.key === key, JSON.stringify(json));
    }
  });

  test('encapsulated pixel data travels as the PS3.5 A.4 items', () => {
    const ds = new DataSet().setFragments(0x7fe00010, [Buffer.alloc(0), Buffer.from([1, 2, 3, 4])]);
    const back = fromDicomJson(viaText(toDicomJson(ds)));
    assert.deepStrictEqual(back.getFragments(0x7fe00010), [Buffer.alloc(0), Buffer.from([1, 2, 3, 4])]);
  });

  test('random data sets: after one pass through JSON, DataSet → JSON → DataSet is a fixed point', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const first = viaText(toDicomJson(randomDataSet(seed, seed % 2 === 0 ? 'explicit' : 'implicit')));
      const second = viaText(toDicomJson(fromDicomJson(first)));
      const third = viaText(toDicomJson(fromDicomJson(second)));
      // JSON objects order integer-like keys ("00100020") first, so compare the key sets;
      // (0008,0005) appears when the random text is not ASCII.
      const keys = (j: DicomJson): string[] => Object.keys(j).filter((k) => k !== '00080005').sort();
      assert.deepStrictEqual(keys(second), keys(first), `seed ${seed}`);
      assert.deepStrictEqual(third, second, `seed ${seed}`);
    }
  });
});
