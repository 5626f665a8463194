import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DataSet, QueryRetrieveModel } from '@pacs/dicom';
import { parseFindIdentifier } from './parse-find';
import { QueryIdentifierError } from './query-errors';
import { keyType } from './query-keys';
import { dataSet, HIERARCHICAL, PATIENT_ROOT, PATIENT_STUDY_ONLY, STUDY_ROOT, tagOf, type Keys } from './query-testing';

const parse = (model: string, keys: Keys, options = HIERARCHICAL) => parseFindIdentifier(dataSet(keys), model, options);

function refused(model: string, keys: Keys, status: number, tag?: number): void {
  assert.throws(() => parse(model, keys), (err: unknown) => {
    assert.ok(err instanceof QueryIdentifierError, String(err));
    assert.equal(err.status, status, err.message);
    if (tag !== undefined) assert.deepEqual(err.offendingElements, [tag]);
    return true;
  });
}

describe('Query/Retrieve Level (PS3.4 C.4.1.1.3)', () => {
  test('missing level → 0xA900 naming (0008,0052)', () => refused(STUDY_ROOT, { PatientID: 'X' }, 0xa900, 0x00080052));
  test('PATIENT in Study Root → 0xA900', () => refused(STUDY_ROOT, { QueryRetrieveLevel: 'PATIENT' }, 0xa900, 0x00080052));
  test('SERIES in Patient/Study Only → 0xA900', () => refused(PATIENT_STUDY_ONLY, { QueryRetrieveLevel: 'SERIES', PatientID: 'P', StudyInstanceUID: '1.2' }, 0xa900));
  test('a C-MOVE model is not a C-FIND model → 0xA900', () => refused(QueryRetrieveModel.StudyRootMove, { QueryRetrieveLevel: 'STUDY' }, 0xa900));
  test('each model takes its own levels', () => {
    assert.equal(parse(PATIENT_ROOT, { QueryRetrieveLevel: 'PATIENT' }).level, 'PATIENT');
    assert.equal(parse(PATIENT_STUDY_ONLY, { QueryRetrieveLevel: 'STUDY', PatientID: 'P1' }).model, 'patient-study-only');
    assert.equal(parse(STUDY_ROOT, { QueryRetrieveLevel: 'IMAGE', StudyInstanceUID: '1.2', SeriesInstanceUID: '1.3' }).level, 'IMAGE');
  });
});

describe('PS3.4 C.4.1.2.2.1 hierarchical search: unique keys above the level', () => {
  test('Patient Root STUDY level without Patient ID → 0xA900 naming (0010,0020)', () => refused(PATIENT_ROOT, { QueryRetrieveLevel: 'STUDY', StudyDate: '' }, 0xa900, 0x00100020));
  test('Patient Root STUDY level with PatientID=P* (not one value) → 0xA900', () => refused(PATIENT_ROOT, { QueryRetrieveLevel: 'STUDY', PatientID: 'P*' }, 0xa900));
  test('Study Root SERIES level with a list of study UIDs → 0xA900', () => refused(STUDY_ROOT, { QueryRetrieveLevel: 'SERIES', StudyInstanceUID: '1.2\\1.3' }, 0xa900, 0x0020000d));
  test('Study Root IMAGE level needs the study and the series UID', () => {
    refused(STUDY_ROOT, { QueryRetrieveLevel: 'IMAGE', StudyInstanceUID: '1.2' }, 0xa900, 0x0020000e);
    assert.equal(parse(STUDY_ROOT, { QueryRetrieveLevel: 'IMAGE', StudyInstanceUID: '1.2', SeriesInstanceUID: '1.3', SOPInstanceUID: '' }).conditions.length, 2);
  });
  test('relational queries (C.4.1.2.2.2), when negotiated, may leave them out', () => {
    const q = parse(PATIENT_ROOT, { QueryRetrieveLevel: 'SERIES', Modality: 'CT' }, { ...HIERARCHICAL, relational: true });
    assert.deepEqual(q.conditions.map((c) => c.tag), [0x00080060]);
  });
  test('the unique key of the level itself may be universal, a value, a wildcard (LO) or a UID list', () => {
    assert.equal(parse(PATIENT_ROOT, { QueryRetrieveLevel: 'PATIENT', PatientID: 'PID*' }).conditions[0]?.matcher.type, 'wildcard');
    assert.equal(parse(STUDY_ROOT, { QueryRetrieveLevel: 'STUDY', StudyInstanceUID: '1.2\\1.3' }).conditions[0]?.matcher.type, 'list');
  });
});

describe('value checks', () => {
  test('a wildcard in a UID key → 0xA900', () => refused(STUDY_ROOT, { QueryRetrieveLevel: 'STUDY', StudyInstanceUID: '1.2.*' }, 0xa900, 0x0020000d));
  test('a malformed date range → 0xC000 naming the key', () => refused(STUDY_ROOT, { QueryRetrieveLevel: 'STUDY', StudyDate: '2024-01-01' }, 0xc000, 0x00080020));
  test('a range that ends before it starts → 0xC000', () => refused(STUDY_ROOT, { QueryRetrieveLevel: 'STUDY', StudyDate: '20240201-20240101' }, 0xc000));
  test('a sequence with two items → 0xA900 (C.2.2.2.6 allows one)', () =>
    refused(STUDY_ROOT, { QueryRetrieveLevel: 'STUDY', ProcedureCodeSequence: [dataSet({ CodeValue: 'A' }), dataSet({ CodeValue: 'B' })] }, 0xa900));
  test('"*" and "?" in a DA are not wildcards (C.2.2.2.4 lists the VRs): 2024* → 0xC000', () => refused(STUDY_ROOT, { QueryRetrieveLevel: 'STUDY', StudyDate: '2024*' }, 0xc000));
});

describe('keys the level does not hold (PS3.4 C.4.1.1.4: 0xFF01)', () => {
  test('Modality=CT at STUDY level is not matched and is reported unsupported; an empty one is only returned', () => {
    const q = parse(STUDY_ROOT, { QueryRetrieveLevel: 'STUDY', Modality: 'CT', SeriesDescription: '' });
    assert.deepEqual(q.conditions, []);
    assert.deepEqual(q.unsupportedKeys, [0x00080060]);
    assert.deepEqual(q.returnKeys.map((k) => k.tag), [0x00080052, 0x00080060, 0x0008103e]);
  });

  test('NumberOfStudyRelatedInstances=>5 style values are not matched (only one integer is)', () => {
    const q = parse(STUDY_ROOT, { QueryRetrieveLevel: 'STUDY', NumberOfStudyRelatedInstances: '5' });
    assert.equal(q.conditions.length, 1);
    assert.deepEqual(parse(STUDY_ROOT, { QueryRetrieveLevel: 'STUDY', SOPClassesInStudy: '' }).unsupportedKeys, []);
  });

  test('binary VR keys with a value are not matched', () => {
    const ds = dataSet({ QueryRetrieveLevel: 'IMAGE', StudyInstanceUID: '1.2', SeriesInstanceUID: '1.3' }).setNumbers(0x00280010, 512, 'US');
    const q = parseFindIdentifier(ds, STUDY_ROOT, HIERARCHICAL);
    assert.deepEqual(q.unsupportedKeys, [0x00280010]);
  });
});

describe('what the query keeps', () => {
  test('PN values are upper-cased for case-insensitive matching; other VRs never', () => {
    const q = parse(STUDY_ROOT, { QueryRetrieveLevel: 'STUDY', PatientName: 'smith*', AccessionNumber: 'abc' }, { ...HIERARCHICAL, caseInsensitivePn: true });
    assert.deepEqual(q.conditions.map((c) => [c.matcher, c.caseInsensitive]), [
      [{ type: 'single', value: 'abc' }, false],
      [{ type: 'wildcard', pattern: 'SMITH*' }, true],
    ]);
  });

  test('values decoded under the query\'s (0008,0005): ISO 2022 IR 87 PatientName arrives as Unicode', () => {
    const ds = new DataSet()
      .setStrings(0x00080005, ['', 'ISO 2022 IR 87'], 'CS')
      .setStrings(0x00080052, 'STUDY', 'CS')
      .setBytes(0x00100010, 'PN', Buffer.from('Yamada^Tarou=\x1b$B;3ED\x1b(B^\x1b$BB@O:\x1b(B', 'latin1'));
    const q = parseFindIdentifier(ds, STUDY_ROOT, HIERARCHICAL);
    assert.deepEqual(q.conditions[0]?.matcher, { type: 'single', value: 'Yamada^Tarou=山田^太郎' });
    assert.deepEqual(q.specificCharacterSet, ['', 'ISO 2022 IR 87']);
  });

  test('sequence return keys keep their requested item keys', () => {
    const q = parse(STUDY_ROOT, { QueryRetrieveLevel: 'STUDY', ProcedureCodeSequence: [dataSet({ CodeValue: '', CodeMeaning: '' })] });
    assert.deepEqual(q.returnKeys[1], { tag: 0x00081032, vr: 'SQ', item: [{ tag: 0x00080100, vr: 'SH' }, { tag: 0x00080104, vr: 'LO' }] });
    assert.deepEqual(q.conditions, []);
  });

  test('combined date-time needs a time range: StudyTime=1015 stays a key of its own', () => {
    const q = parse(STUDY_ROOT, { QueryRetrieveLevel: 'STUDY', StudyDate: '20240101-20240102', StudyTime: '1015' }, { ...HIERARCHICAL, combinedDateTime: true });
    assert.deepEqual(q.dateTimeRanges, []);
    assert.equal(q.conditions.length, 2);
  });
});

describe('key types of PS3.4 C.6', () => {
  test('Patient Root: Patient ID unique at PATIENT, Patient Name required; Study Root: Patient Name required at STUDY', () => {
    assert.equal(keyType('patient-root', 'PATIENT', tagOf('PatientID')), 'unique');
    assert.equal(keyType('patient-root', 'PATIENT', tagOf('PatientName')), 'required');
    assert.equal(keyType('patient-root', 'STUDY', tagOf('PatientName')), 'optional');
    assert.equal(keyType('study-root', 'STUDY', tagOf('PatientName')), 'required');
    assert.equal(keyType('study-root', 'SERIES', tagOf('SeriesNumber')), 'required');
    assert.equal(keyType('study-root', 'IMAGE', tagOf('SOPInstanceUID')), 'unique');
    assert.equal(keyType('study-root', 'STUDY', tagOf('PatientID')), 'required');
  });
});
