import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DataSet } from '@pacs/dicom';
import { matchesQuery } from './match';
import { parseFindIdentifier } from './parse-find';
import type { QueryOptions } from './query';
import { dataSet, HIERARCHICAL, STUDY_ROOT, storedEntity, type Keys } from './query-testing';

/** Whether a Study Root query with `keys` (plus the level) matches the stored entity. */
function matches(level: string, keys: Keys, stored: Keys, options: Partial<QueryOptions> = {}, computed = {}): boolean {
  const query = parseFindIdentifier(dataSet({ QueryRetrieveLevel: level, ...keys }), STUDY_ROOT, { ...HIERARCHICAL, ...options });
  return matchesQuery(query, storedEntity(stored, computed));
}
const study = (keys: Keys, stored: Keys, options: Partial<QueryOptions> = {}, computed = {}): boolean => matches('STUDY', keys, stored, options, computed);

describe('PS3.4 C.2.2.2.1 single value matching', () => {
  test('PatientID=PID0001 matches PID0001 and nothing longer or shorter', () => {
    assert.equal(study({ PatientID: 'PID0001' }, { PatientID: 'PID0001' }), true);
    assert.equal(study({ PatientID: 'PID0001' }, { PatientID: 'PID00011' }), false);
    assert.equal(study({ PatientID: 'PID0001' }, { PatientID: 'PID000' }), false);
  });

  test('matching is case-sensitive except for PN when configured so', () => {
    assert.equal(study({ AccessionNumber: 'acc1' }, { AccessionNumber: 'ACC1' }, { caseInsensitivePn: true }), false);
    assert.equal(study({ PatientName: 'smith^john' }, { PatientName: 'SMITH^JOHN' }, { caseInsensitivePn: true }), true);
    assert.equal(study({ PatientName: 'smith^john' }, { PatientName: 'SMITH^JOHN' }, { caseInsensitivePn: false }), false);
  });

  test('PN: Yamada^Tarou matches Yamada^Tarou=山田^太郎 (alphabetic group); 山田^太郎 matches its ideographic group', () => {
    const stored = { PatientName: 'Yamada^Tarou=山田^太郎=やまだ^たろう' };
    assert.equal(study({ PatientName: 'Yamada^Tarou' }, stored), true);
    assert.equal(study({ PatientName: '山田^太郎' }, stored), true);
    assert.equal(study({ PatientName: 'やまだ^たろう' }, stored), true);
    assert.equal(study({ PatientName: 'Yamada' }, stored), false, 'a family name alone is not the value');
    assert.equal(study({ PatientName: 'Yamada^Tarou=山田^太郎=やまだ^たろう' }, stored), true);
  });

  test('a DA value is compared as a date: StudyDate=20240131 matches 20240131 and the ACR-NEMA 2024.01.31', () => {
    assert.equal(study({ StudyDate: '20240131' }, { StudyDate: '20240131' }), true);
    assert.equal(study({ StudyDate: '20240131' }, { StudyDate: '2024.01.31' }), true);
    assert.equal(study({ StudyDate: '20240131' }, { StudyDate: '20240130' }), false);
  });

  test('IS values compare as numbers: StudyID is SH (text), SeriesNumber=7 matches "07"', () => {
    assert.equal(matches('SERIES', { StudyInstanceUID: '1.2.3', SeriesNumber: '7' }, { StudyInstanceUID: '1.2.3', SeriesNumber: '07' }), true);
    assert.equal(study({ StudyID: '7' }, { StudyID: '07' }), false);
  });

  test('an entity without the attribute does not match a single value', () => {
    assert.equal(study({ AccessionNumber: 'A1' }, { StudyID: '1' }), false);
  });
});

describe('PS3.4 C.2.2.2.1.1 empty value matching', () => {
  test('AccessionNumber="" matches studies without an accession number only', () => {
    assert.equal(study({ AccessionNumber: '""' }, { StudyID: '1' }), true);
    assert.equal(study({ AccessionNumber: '""' }, { AccessionNumber: '' }), true);
    assert.equal(study({ AccessionNumber: '""' }, { AccessionNumber: 'A1' }), false);
  });
});

describe('PS3.4 C.2.2.2.2 list of UID matching', () => {
  test('StudyInstanceUID=1.2.3\\1.2.4 matches either study', () => {
    assert.equal(study({ StudyInstanceUID: '1.2.3\\1.2.4' }, { StudyInstanceUID: '1.2.4' }), true);
    assert.equal(study({ StudyInstanceUID: '1.2.3\\1.2.4' }, { StudyInstanceUID: '1.2.5' }), false);
  });
});

describe('PS3.4 C.2.2.2.3 universal matching', () => {
  test('a zero-length key and a lone "*" match everything, also entities without the attribute', () => {
    assert.equal(study({ PatientName: '' }, { PatientID: 'X' }), true);
    assert.equal(study({ PatientName: '*' }, { PatientID: 'X' }), true);
  });
});

describe('PS3.4 C.2.2.2.4 wildcard matching', () => {
  test('PatientName=SMI* matches SMITH^JOHN, not JONES^SMITH', () => {
    assert.equal(study({ PatientName: 'SMI*' }, { PatientName: 'SMITH^JOHN' }), true);
    assert.equal(study({ PatientName: 'SMI*' }, { PatientName: 'JONES^SMITH' }), false);
  });

  test('"?" is exactly one character: PatientID=PID000? matches PID0001, not PID00012', () => {
    assert.equal(study({ PatientID: 'PID000?' }, { PatientID: 'PID0001' }), true);
    assert.equal(study({ PatientID: 'PID000?' }, { PatientID: 'PID00012' }), false);
  });

  test('SQL wildcard and escape characters in values are literal: %_\\ match only themselves', () => {
    assert.equal(study({ StudyDescription: '100%*' }, { StudyDescription: '100% CHEST' }), true);
    assert.equal(study({ StudyDescription: '100%*' }, { StudyDescription: '1000 CHEST' }), false);
    assert.equal(study({ StudyDescription: 'A_C*' }, { StudyDescription: 'ABC' }), false);
  });

  test('PN wildcard with case-insensitive matching: smi* matches Smith^John', () => {
    assert.equal(study({ PatientName: 'smi*' }, { PatientName: 'Smith^John' }, { caseInsensitivePn: true }), true);
  });

  test('PN wildcard on a component group: *^Tarou matches Yamada^Tarou=山田^太郎, 山*  matches the ideographic group', () => {
    const stored = { PatientName: 'Yamada^Tarou=山田^太郎' };
    assert.equal(study({ PatientName: '*^Tarou' }, stored), true);
    assert.equal(study({ PatientName: '山*' }, stored), true);
    assert.equal(study({ PatientName: '田*' }, stored), false);
  });
});

describe('PS3.4 C.2.2.2.5 range matching', () => {
  test('StudyDate=20240101-20240131 matches the 1st, the 15th and the 31st, not 1 February', () => {
    for (const d of ['20240101', '20240115', '20240131']) assert.equal(study({ StudyDate: '20240101-20240131' }, { StudyDate: d }), true, d);
    assert.equal(study({ StudyDate: '20240101-20240131' }, { StudyDate: '20240201' }), false);
  });

  test('open ranges: -20240131 is "on or before", 20240101- is "on or after"', () => {
    assert.equal(study({ StudyDate: '-20240131' }, { StudyDate: '19991231' }), true);
    assert.equal(study({ StudyDate: '-20240131' }, { StudyDate: '20240201' }), false);
    assert.equal(study({ StudyDate: '20240101-' }, { StudyDate: '20991231' }), true);
    assert.equal(study({ StudyDate: '20240101-' }, { StudyDate: '20231231' }), false);
  });

  test('StudyTime=0800-1200 matches 08:00:00 up to 12:00:59.999999, not 12:01 or 07:59', () => {
    for (const t of ['0800', '080000', '1015', '120059.999', '12:00:30']) assert.equal(study({ StudyTime: '0800-1200' }, { StudyTime: t }), true, t);
    for (const t of ['1201', '075959']) assert.equal(study({ StudyTime: '0800-1200' }, { StudyTime: t }), false, t);
  });

  test('a single TM value matches within its precision: StudyTime=1015 matches 101530.5, not 101600', () => {
    assert.equal(study({ StudyTime: '1015' }, { StudyTime: '101530.5' }), true);
    assert.equal(study({ StudyTime: '1015' }, { StudyTime: '101600' }), false);
  });

  test('DT range: AcquisitionDateTime=20240101-202401011200 (offsets ignored)', () => {
    const image = (stored: string): boolean =>
      matches('IMAGE', { StudyInstanceUID: '1.2', SeriesInstanceUID: '1.3', AcquisitionDateTime: '20240101-202401011200' }, { StudyInstanceUID: '1.2', SeriesInstanceUID: '1.3', AcquisitionDateTime: stored });
    assert.equal(image('20240101115959.5+0100'), true);
    assert.equal(image('20240101120100'), false);
    assert.equal(image('20231231235959'), false);
  });

  test('an entity without a value never falls in a range', () => {
    assert.equal(study({ StudyDate: '-20240131' }, { StudyID: '1' }), false);
  });
});

describe('PS3.4 C.2.2.2.5.1 combined date-time range matching (when negotiated)', () => {
  const keys = { StudyDate: '20060705-20060707', StudyTime: '1000-1800' };
  test('StudyDate 20060705-20060707 with StudyTime 1000-1800: from 10:00 on the 5th to 18:00 on the 7th', () => {
    const combined = { combinedDateTime: true };
    assert.equal(study(keys, { StudyDate: '20060706', StudyTime: '0300' }, combined), true, '03:00 on the 6th is inside');
    assert.equal(study(keys, { StudyDate: '20060705', StudyTime: '0900' }, combined), false, '09:00 on the 5th is before');
    assert.equal(study(keys, { StudyDate: '20060707', StudyTime: '1830' }, combined), false, '18:30 on the 7th is after');
  });

  test('without the negotiation, date and time are matched independently', () => {
    assert.equal(study(keys, { StudyDate: '20060706', StudyTime: '0300' }), false);
    assert.equal(study(keys, { StudyDate: '20060706', StudyTime: '1100' }), true);
  });
});

describe('PS3.4 C.2.2.2.6 sequence matching', () => {
  const code = (value: string, scheme: string): DataSet => dataSet({ CodeValue: value, CodingSchemeDesignator: scheme });
  const stored = { ProcedureCodeSequence: [code('XR1', 'LOCAL'), code('CT9', 'LOCAL')] };
  test('an item with CodeValue=CT9 matches a study whose sequence has such an item among others', () => {
    assert.equal(study({ ProcedureCodeSequence: [code('CT9', '')] }, stored), true);
    assert.equal(study({ ProcedureCodeSequence: [code('MR1', '')] }, stored), false);
  });

  test('every key of the query item must match the same stored item', () => {
    assert.equal(study({ ProcedureCodeSequence: [code('CT9', 'LOCAL')] }, stored), true);
    assert.equal(study({ ProcedureCodeSequence: [code('CT9', 'SNM3')] }, stored), false);
  });

  test('an empty item, or none, is universal', () => {
    assert.equal(study({ ProcedureCodeSequence: [] }, { StudyID: '1' }), true);
    assert.equal(study({ ProcedureCodeSequence: [new DataSet()] }, { StudyID: '1' }), true);
  });
});

describe('computed keys (PS3.4 C.6.1.1.3)', () => {
  test('ModalitiesInStudy=MR matches a CT+MR study; a list CT\\US matches when any is present', () => {
    assert.equal(study({ ModalitiesInStudy: 'MR' }, { StudyID: '1' }, {}, { modalitiesInStudy: ['CT', 'MR'] }), true);
    assert.equal(study({ ModalitiesInStudy: 'US' }, { StudyID: '1' }, {}, { modalitiesInStudy: ['CT', 'MR'] }), false);
    assert.equal(study({ ModalitiesInStudy: 'US\\CT' }, { StudyID: '1' }, {}, { modalitiesInStudy: ['CT', 'MR'] }), true);
  });
});
