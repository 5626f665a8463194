import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { DataSet, readDataSet, readFileMetaInformation } from '@pacs/dicom';
import { isOmittedValue } from './index-attributes';
import { toIndexRecords } from './index-records';
import { InvalidInstanceError } from './invalid-instance-error';

function header(): DataSet {
  return new DataSet()
    .setStrings(0x00080005, 'ISO_IR 100')
    .setStrings(0x00080008, ['ORIGINAL', 'PRIMARY', 'AXIAL'])
    .setStrings(0x00080016, '1.2.840.10008.5.1.4.1.1.2')
    .setStrings(0x00080018, '1.2.3.4.5.6.1')
    .setStrings(0x00080020, '2024.01.31')
    .setStrings(0x00080030, '10:15:00')
    .setStrings(0x00080050, 'ACC-1')
    .setStrings(0x00080060, 'CT')
    .setStrings(0x00080070, 'ACME')
    .setStrings(0x00080090, 'Who^Doctor')
    .setStrings(0x00081030, 'Chest')
    .setStrings(0x0008103e, 'Axial 1mm')
    .setStrings(0x00081090, 'Scanner 9000')
    .setStrings(0x00100010, 'Buc^Jérôme')
    .setStrings(0x00100020, 'PID-1')
    .setStrings(0x00100030, '19700101')
    .setStrings(0x00100040, 'M')
    .setStrings(0x00101010, '054Y')
    .setStrings(0x00101030, '72.5')
    .setStrings(0x00180015, 'CHEST')
    .setStrings(0x0020000d, '1.2.3.4.5.1')
    .setStrings(0x0020000e, '1.2.3.4.5.2')
    .setStrings(0x00200011, '3')
    .setStrings(0x00200013, '17')
    .setStrings(0x00200052, '1.2.3.4.5.9')
    .setStrings(0x00280004, 'MONOCHROME2')
    .setNumbers(0x00280010, 512)
    .setNumbers(0x00280011, 512)
    .setNumbers(0x00280100, 16)
    .setStrings(0x00290010, 'ACME 1.0', 'LO')
    .setBytes(0x00291001, 'OB', Buffer.from([1, 2, 3, 4]));
}

describe('header → patient/study/series/instance records', () => {
  test('query-key columns, normalised (DA/TM ACR-NEMA forms, IS as int, DS as number)', () => {
    const r = toIndexRecords(header());
    assert.deepStrictEqual({ ...r.patient, attributes: undefined }, {
      patientId: 'PID-1', issuerOfPatientId: '', patientName: 'Buc^Jérôme', patientNameSearch: 'BUC^JÉRÔME',
      birthDate: '19700101', sex: 'M', attributes: undefined,
    });
    assert.equal(r.study.studyInstanceUid, '1.2.3.4.5.1');
    assert.equal(r.study.studyDate, '20240131');
    assert.equal(r.study.studyTime, '101500');
    assert.equal(r.study.accessionNumber, 'ACC-1');
    assert.equal(r.study.referringPhysicianName, 'Who^Doctor');
    assert.equal(r.study.patientAge, '054Y');
    assert.equal(r.study.patientWeight, 72.5);
    assert.equal(r.study.studyId, null);
    assert.equal(r.series.seriesNumber, 3);
    assert.equal(r.series.modality, 'CT');
    assert.equal(r.series.modelName, 'Scanner 9000');
    assert.equal(r.series.frameOfReferenceUid, '1.2.3.4.5.9');
    assert.equal(r.series.bodyPartExamined, 'CHEST');
    assert.equal(r.instance.instanceNumber, 17);
    assert.equal(r.instance.rows, 512);
    assert.equal(r.instance.bitsAllocated, 16);
    assert.deepStrictEqual(r.instance.imageType, ['ORIGINAL', 'PRIMARY', 'AXIAL']);
    assert.equal(r.instance.specificCharacterSet, 'ISO_IR 100');
    assert.equal(r.instance.numberOfFrames, null);
  });

  test('each level keeps its own attributes as DICOM JSON; the instance keeps them all', () => {
    const r = toIndexRecords(header());
    assert.deepStrictEqual(Object.keys(r.patient.attributes).sort(), ['00100010', '00100020', '00100030', '00100040']);
    assert.deepStrictEqual(r.patient.attributes['00100010'], { vr: 'PN', Value: [{ Alphabetic: 'Buc^Jérôme' }] });
    assert.deepStrictEqual(Object.keys(r.study.attributes).sort(), ['00080020', '00080030', '00080050', '00080090', '00081030', '0020000D', '00101010', '00101030'].sort());
    assert.ok('00080060' in r.series.attributes && '00200052' in r.series.attributes && '00080070' in r.series.attributes);
    assert.equal(Object.keys(r.instance.attributes).length, header().size);
    assert.deepStrictEqual(r.instance.attributes['00291001'], { vr: 'OB', InlineBinary: 'AQIDBA==' });
    assert.deepStrictEqual(r.instance.attributes['00080005'], { vr: 'CS', Value: ['ISO_IR 192'] });
  });

  test('values over the limit are omitted with their length; group lengths are not kept', () => {
    const ds = header()
      .setBytes(0x00291002, 'OB', Buffer.alloc(5000))
      .setBytes(0x00091000, 'UL', Buffer.from([4, 0, 0, 0]))
      .setSequence(0x00081115, [new DataSet().setBytes(0x00291003, 'UN', Buffer.alloc(4096))])
      .setBytes(0x00100000, 'UL', Buffer.from([0, 0, 0, 0]));
    const r = toIndexRecords(ds);
    assert.deepStrictEqual(r.instance.attributes['00291002'], { vr: 'OB', OmittedLength: 5000 });
    const seq = r.instance.attributes['00081115'];
    assert.ok(seq && isOmittedValue(seq) && seq.vr === 'SQ' && seq.OmittedLength > 4096);
    assert.equal('00100000' in r.instance.attributes, false);
    assert.equal('00100000' in r.patient.attributes, false);
    assert.deepStrictEqual(toIndexRecords(ds, { maxValueLength: 10_000 }).instance.attributes['00291002']?.vr, 'OB');
    assert.equal('InlineBinary' in (toIndexRecords(ds, { maxValueLength: 10_000 }).instance.attributes['00291002'] ?? {}), true);
  });

  test('Japanese ISO 2022 names are Unicode in columns and attributes', () => {
    const ds = header()
      .setStrings(0x00080005, '\\ISO 2022 IR 87')
      .setBytes(0x00100010, 'PN', Buffer.from('Yamada^Tarou=\x1b$B;3ED\x1b(B^\x1b$BB@O:\x1b(B', 'latin1'));
    const r = toIndexRecords(ds);
    assert.equal(r.patient.patientName, 'Yamada^Tarou=山田^太郎');
    assert.equal(r.patient.patientNameSearch, 'YAMADA^TAROU=山田^太郎');
    assert.deepStrictEqual(r.patient.attributes['00100010'], { vr: 'PN', Value: [{ Alphabetic: 'Yamada^Tarou', Ideographic: '山田^太郎' }] });
    assert.equal(r.instance.specificCharacterSet, '\\ISO 2022 IR 87');
  });

  test('malformed optional values become null columns but stay in the attributes', () => {
    const ds = header().setStrings(0x00080020, 'yesterday').setStrings(0x00200011, '3.5').setStrings(0x00101030, 'heavy').setStrings(0x00200013, '99999999999');
    const r = toIndexRecords(ds);
    assert.equal(r.study.studyDate, null);
    assert.equal(r.series.seriesNumber, null);
    assert.equal(r.study.patientWeight, null);
    assert.equal(r.instance.instanceNumber, null);
    assert.deepStrictEqual(r.study.attributes['00080020'], { vr: 'DA', Value: ['yesterday'] });
  });

  for (const [attribute, tag] of [['SOPInstanceUID', 0x00080018], ['SOPClassUID', 0x00080016], ['StudyInstanceUID', 0x0020000d], ['SeriesInstanceUID', 0x0020000e]] as const) {
    test(`missing or invalid ${attribute} → InvalidInstanceError naming it (PS3.5 §9.1)`, () => {
      const missing = header();
      missing.delete(tag);
      assert.throws(() => toIndexRecords(missing), (e: unknown) => e instanceof InvalidInstanceError && e.attribute === attribute && e.problem === 'missing' && e.tag === tag);
      for (const bad of ['1.2.03', '../../etc', '1.2.3.', `1.${'2'.repeat(70)}`]) {
        const invalid = header().setStrings(tag, bad, 'UI');
        assert.throws(() => toIndexRecords(invalid), (e: unknown) => e instanceof InvalidInstanceError && e.attribute === attribute && e.problem === 'invalid' && e.value === bad);
      }
    });
  }

  test('the DCMTK-made fixture indexes with its Latin-1 name decoded and its sequence kept', () => {
    const file = readFileSync(new URL('../../../../test/fixtures/datasets/explicit-le-undefined-lengths.dcm', import.meta.url));
    const { meta, dataSetOffset } = readFileMetaInformation(file);
    const r = toIndexRecords(readDataSet(file.subarray(dataSetOffset), meta.transferSyntaxUid));
    assert.equal(r.patient.patientName, 'Buc^Jérôme');
    assert.equal(r.series.modality, 'OT');
    assert.equal(r.instance.sopInstanceUid, '1.2.826.0.1.3680043.10.543.1.1');
    assert.equal(r.series.attributes['00400275']?.vr, 'SQ');
  });
});
