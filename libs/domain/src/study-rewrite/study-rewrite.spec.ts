import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DataSet, tagForKeyword } from '@pacs/dicom';
import { derivedUidMapping } from '../deidentify';
import {
  AttributeEncodingError, InvalidAttributeChangeError, MODIFIABLE_ATTRIBUTES, applyAttributeChanges, changesFromStudy, parseAttributeChanges, remapStudyUids,
} from './index';

const tag = (keyword: string): number => tagForKeyword(keyword) as number;
const refused = (set: unknown, field: string) =>
  assert.throws(() => parseAttributeChanges(set), (e: unknown) => e instanceof InvalidAttributeChangeError && e.field === field, JSON.stringify(set));

describe('modify: patient/study attribute changes', () => {
  test('allow-listed keywords with values valid for their VR; null removes', () => {
    const changes = parseAttributeChanges({ PatientName: 'NEW^NAME', AccessionNumber: 'A123', StudyDate: '20240229', StudyTime: '101500.25', PatientSex: 'F', StudyDescription: null });
    assert.deepEqual(changes.map((c) => [c.keyword, c.vr, c.value]), [
      ['PatientName', 'PN', 'NEW^NAME'], ['AccessionNumber', 'SH', 'A123'], ['StudyDate', 'DA', '20240229'], ['StudyTime', 'TM', '101500.25'],
      ['PatientSex', 'CS', 'F'], ['StudyDescription', 'LO', null],
    ]);
    for (const keyword of Object.keys(MODIFIABLE_ATTRIBUTES)) assert.ok(tagForKeyword(keyword), keyword);
  });

  test('each bad entry names its field: series/instance attributes, unknown keywords, bad values (PS3.5 §6.2)', () => {
    refused({}, 'set');
    refused([], 'set');
    refused({ Modality: 'MR' }, 'set.Modality');
    refused({ SeriesInstanceUID: '1.2' }, 'set.SeriesInstanceUID');
    refused({ NoSuchKeyword: 'x' }, 'set.NoSuchKeyword');
    refused(JSON.parse('{"__proto__": "x"}'), 'set.__proto__');
    refused(JSON.parse('{"toString": "x"}'), 'set.toString');
    refused({ PatientName: 5 }, 'set.PatientName');
    refused({ AccessionNumber: 'ABCDEFGHIJKLMNOPQ' }, 'set.AccessionNumber');
    refused({ StudyDate: '2024-01-01' }, 'set.StudyDate');
    refused({ StudyDate: '20241301' }, 'set.StudyDate');
    refused({ StudyTime: '2500' }, 'set.StudyTime');
    refused({ PatientSex: 'X' }, 'set.PatientSex');
    refused({ PatientName: 'A\\B' }, 'set.PatientName');
    refused({ StudyDescription: 'line\nbreak' }, 'set.StudyDescription');
  });

  test('applied to a header: ASCII written as is, other text in the data set\'s character set, unencodable text refused', () => {
    const ds = new DataSet().setStrings(tag('SpecificCharacterSet'), 'ISO_IR 100').setStrings(tag('PatientName'), 'OLD^NAME').setStrings(tag('StudyDescription'), 'old');
    applyAttributeChanges(ds, parseAttributeChanges({ PatientName: 'MÜLLER^JÖRG', StudyDescription: null }));
    assert.equal(ds.getString(tag('PatientName')), 'MÜLLER^JÖRG');
    assert.equal(ds.getBytes(tag('PatientName'))?.includes(0xdc), true, 'Latin-1 Ü');
    assert.equal(ds.has(tag('StudyDescription')), false);
    assert.throws(() => applyAttributeChanges(ds, parseAttributeChanges({ PatientName: '山田^太郎' })), AttributeEncodingError);
  });

  test('merge: the target\'s attributes become changes; those it lacks are removed', () => {
    const target = new DataSet().setStrings(tag('PatientName'), 'TARGET^PATIENT').setStrings(tag('PatientID'), 'T1').setStrings(tag('AccessionNumber'), 'ACC9');
    const source = new DataSet().setStrings(tag('PatientName'), 'SOURCE').setStrings(tag('PatientID'), 'S1').setStrings(tag('StudyDescription'), 'source only');
    applyAttributeChanges(source, changesFromStudy(target));
    assert.equal(source.getString(tag('PatientName')), 'TARGET^PATIENT');
    assert.equal(source.getString(tag('PatientID')), 'T1');
    assert.equal(source.getString(tag('AccessionNumber')), 'ACC9');
    assert.equal(source.has(tag('StudyDescription')), false);
  });
});

describe('modify with newUids: study UIDs remapped consistently, references outside the study kept', () => {
  test('study, series, SOP and references to instances of the study follow; a prior study\'s reference stays', () => {
    const uids = derivedUidMapping('secret-of-the-site-0123', 'modify');
    const ofStudy = new Set(['1.2.3', '1.2.3.1', '1.2.3.1.1', '1.2.3.1.2']);
    const ds = new DataSet()
      .setStrings(tag('StudyInstanceUID'), '1.2.3')
      .setStrings(tag('SeriesInstanceUID'), '1.2.3.1')
      .setStrings(tag('SOPInstanceUID'), '1.2.3.1.2')
      .setSequence(tag('SourceImageSequence'), [
        new DataSet().setStrings(tag('ReferencedSOPInstanceUID'), '1.2.3.1.1'),
        new DataSet().setStrings(tag('ReferencedSOPInstanceUID'), '9.9.9.1'),
      ]);
    assert.equal(remapStudyUids(ds, uids, (u) => ofStudy.has(u)), true);
    assert.equal(ds.getUid(tag('StudyInstanceUID')), uids('1.2.3'));
    assert.equal(ds.getUid(tag('SeriesInstanceUID')), uids('1.2.3.1'));
    assert.equal(ds.getUid(tag('SOPInstanceUID')), uids('1.2.3.1.2'));
    const [inStudy, prior] = ds.getItems(tag('SourceImageSequence')) ?? [];
    assert.equal(inStudy?.getUid(tag('ReferencedSOPInstanceUID')), uids('1.2.3.1.1'));
    assert.equal(prior?.getUid(tag('ReferencedSOPInstanceUID')), '9.9.9.1');
  });
});
