import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DataSet } from '@pacs/dicom';
import { assembleResponse } from './assemble-response';
import { parseFindIdentifier } from './parse-find';
import { dataSet, HIERARCHICAL, PATIENT_ROOT, STUDY_ROOT, storedEntity, type Keys } from './query-testing';

const ctx = { retrieveAeTitle: 'PACS' };
const STORED: Keys = {
  PatientName: 'Doe^Jane', PatientID: 'P1', PatientBirthDate: '19700101', StudyInstanceUID: '1.2.3', StudyDate: '20240131',
  StudyDescription: 'Chest', AccessionNumber: 'A1', SeriesInstanceUID: '1.2.3.4', Modality: 'CT', SOPInstanceUID: '1.2.3.4.5', InstanceNumber: '3',
};

function respond(model: string, keys: Keys, stored: Keys = STORED, computed = {}): DataSet {
  const query = parseFindIdentifier(dataSet(keys), model, HIERARCHICAL);
  return assembleResponse(query, storedEntity(stored, computed), ctx);
}

describe('PS3.4 C.4.1.1.3.2 the response identifier', () => {
  test('each requested key answered from the stored attributes; Query/Retrieve Level and Retrieve AE Title added', () => {
    const r = respond(STUDY_ROOT, { QueryRetrieveLevel: 'STUDY', PatientName: '', StudyDate: '20240101-', StudyInstanceUID: '' });
    assert.equal(r.getString(0x00100010), 'Doe^Jane');
    assert.equal(r.getString(0x00080020), '20240131');
    assert.equal(r.getString(0x0020000d), '1.2.3');
    assert.equal(r.getString(0x00080052), 'STUDY');
    assert.equal(r.getString(0x00080054), 'PACS');
    assert.deepEqual([...r.tags()], [0x00080020, 0x00080052, 0x00080054, 0x00100010, 0x0020000d]);
  });

  test('a key the archive does not hold comes back zero length, with its VR', () => {
    const r = respond(STUDY_ROOT, { QueryRetrieveLevel: 'STUDY', StudyID: '', ReferringPhysicianName: '' });
    assert.equal(r.get(0x00200010)?.kind, 'value');
    assert.equal(r.getBytes(0x00200010)?.length, 0);
    assert.equal(r.get(0x00080090)?.vr, 'PN');
    assert.equal(r.getBytes(0x00080090)?.length, 0);
  });

  test('keys of a lower level are returned empty: Modality at STUDY level', () => {
    const r = respond(STUDY_ROOT, { QueryRetrieveLevel: 'STUDY', Modality: '' });
    assert.equal(r.getBytes(0x00080060)?.length, 0);
  });

  test('at IMAGE level the series, study and patient attributes are there too', () => {
    const r = respond(PATIENT_ROOT, { QueryRetrieveLevel: 'IMAGE', PatientID: 'P1', StudyInstanceUID: '1.2.3', SeriesInstanceUID: '1.2.3.4', SOPInstanceUID: '', InstanceNumber: '', Modality: '', PatientName: '' });
    assert.deepEqual([r.getString(0x00080018), r.getString(0x00200013), r.getString(0x00080060), r.getString(0x00100010)], ['1.2.3.4.5', '3', 'CT', 'Doe^Jane']);
  });

  test('computed keys: Number of Study Related Series/Instances, Modalities in Study, Number of Patient Related Studies', () => {
    const r = respond(STUDY_ROOT, { QueryRetrieveLevel: 'STUDY', NumberOfStudyRelatedSeries: '', NumberOfStudyRelatedInstances: '', ModalitiesInStudy: '', NumberOfPatientRelatedStudies: '' }, STORED, {
      numberOfStudyRelatedSeries: 2, numberOfStudyRelatedInstances: 40, modalitiesInStudy: ['CT', 'SR'], numberOfPatientRelatedStudies: 3,
    });
    assert.equal(r.getString(0x00201206), '2');
    assert.equal(r.getString(0x00201208), '40');
    assert.deepEqual(r.getStrings(0x00080061), ['CT', 'SR']);
    assert.equal(r.getString(0x00201200), '3');
  });

  test('Instance Availability is ONLINE when asked for', () => {
    assert.equal(respond(STUDY_ROOT, { QueryRetrieveLevel: 'STUDY', InstanceAvailability: '' }).getString(0x00080056), 'ONLINE');
  });
});

describe('Specific Character Set of the response', () => {
  test('ISO_IR 192 when a returned value is outside ASCII, whatever the query used', () => {
    const ds = dataSet({ QueryRetrieveLevel: 'STUDY', PatientName: '' }).setStrings(0x00080005, ['', 'ISO 2022 IR 87'], 'CS');
    const query = parseFindIdentifier(ds, STUDY_ROOT, HIERARCHICAL);
    const r = assembleResponse(query, storedEntity({ ...STORED, PatientName: 'Yamada^Tarou=山田^太郎' }), ctx);
    assert.deepEqual(r.specificCharacterSet(), ['ISO_IR 192']);
    assert.equal(r.getString(0x00100010), 'Yamada^Tarou=山田^太郎');
    assert.ok(r.getBytes(0x00100010)?.equals(Buffer.from('Yamada^Tarou=山田^太郎', 'utf8')));
  });

  test('an all-ASCII answer keeps the character set of the query, or none', () => {
    const ds = dataSet({ QueryRetrieveLevel: 'STUDY', PatientName: '', SpecificCharacterSet: 'ISO_IR 100' });
    const r = assembleResponse(parseFindIdentifier(ds, STUDY_ROOT, HIERARCHICAL), storedEntity(STORED), ctx);
    assert.deepEqual(r.specificCharacterSet(), ['ISO_IR 100']);
    assert.equal(respond(STUDY_ROOT, { QueryRetrieveLevel: 'STUDY', PatientName: '' }).has(0x00080005), false);
  });
});

describe('sequences in the response', () => {
  test('requested item keys only, empty where the stored item has none', () => {
    const stored = { ...STORED, ProcedureCodeSequence: [dataSet({ CodeValue: 'CT9', CodingSchemeDesignator: 'LOCAL', CodeMeaning: 'CT chest' })] };
    const r = respond(STUDY_ROOT, { QueryRetrieveLevel: 'STUDY', ProcedureCodeSequence: [dataSet({ CodeValue: '', CodeMeaning: '', ContextIdentifier: '' })] }, stored);
    const [item] = r.getItems(0x00081032) ?? [];
    assert.ok(item);
    assert.deepEqual([...item.tags()], [0x00080100, 0x00080104, 0x0008010f]);
    assert.equal(item.getString(0x00080104), 'CT chest');
    assert.equal(item.getBytes(0x0008010f)?.length, 0);
  });

  test('a sequence requested with no item keys comes back whole', () => {
    const stored = { ...STORED, ProcedureCodeSequence: [dataSet({ CodeValue: 'CT9', CodingSchemeDesignator: 'LOCAL' })] };
    const r = respond(STUDY_ROOT, { QueryRetrieveLevel: 'STUDY', ProcedureCodeSequence: [] }, stored);
    assert.equal(r.getItems(0x00081032)?.[0]?.getString(0x00080102), 'LOCAL');
  });

  test('a value the index left out for its size comes back empty', () => {
    const query = parseFindIdentifier(dataSet({ QueryRetrieveLevel: 'STUDY', StudyDescription: '' }), STUDY_ROOT, HIERARCHICAL);
    const r = assembleResponse(query, { attributes: { study: { '00081030': { vr: 'LO', OmittedLength: 9000 } } }, computed: {} }, ctx);
    assert.equal(r.getBytes(0x00081030)?.length, 0);
  });
});
