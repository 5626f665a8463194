import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { tagForKeyword } from '@pacs/dicom';
import { InvalidModifyRequestError, parseAnonymizeRequest, parseMergeRequest, parseModifyRequest } from './modify-request';

const refused = (parse: (body: unknown) => unknown, body: unknown, field: string) =>
  assert.throws(() => parse(body), (e: unknown) => e instanceof InvalidModifyRequestError && e.field === field, JSON.stringify(body));

describe('POST /api/studies/:uid/anonymize body', () => {
  test('defaults: basic profile, nothing kept, original kept; pseudonyms and kept keywords taken', () => {
    assert.deepEqual(parseAnonymizeRequest(undefined), { profile: 'basic', keep: [], deleteOriginal: false });
    assert.deepEqual(parseAnonymizeRequest({ profile: 'basic', patientName: 'SUBJECT^001', patientId: 'S001', keep: ['StudyDescription', 'SeriesDescription'], deleteOriginal: true }), {
      profile: 'basic', patientName: 'SUBJECT^001', patientId: 'S001', keep: [tagForKeyword('StudyDescription'), tagForKeyword('SeriesDescription')], deleteOriginal: true,
    });
  });

  test('each bad field is named', () => {
    refused(parseAnonymizeRequest, [], '(body)');
    refused(parseAnonymizeRequest, { profile: 'full' }, 'profile');
    refused(parseAnonymizeRequest, { patientName: '' }, 'patientName');
    refused(parseAnonymizeRequest, { patientName: 'MÜLLER' }, 'patientName');
    refused(parseAnonymizeRequest, { patientId: 'A\\B' }, 'patientId');
    refused(parseAnonymizeRequest, { patientId: 'x'.repeat(65) }, 'patientId');
    refused(parseAnonymizeRequest, { keep: 'StudyDescription' }, 'keep');
    refused(parseAnonymizeRequest, { keep: ['Modality'] }, 'keep[0]');
    refused(parseAnonymizeRequest, { keep: ['StudyDescription', 'NoSuchKeyword'] }, 'keep[1]');
    refused(parseAnonymizeRequest, { keep: ['StudyInstanceUID'] }, 'keep[0]');
    refused(parseAnonymizeRequest, { keep: ['PatientName'] }, 'keep[0]');
    refused(parseAnonymizeRequest, { deleteOriginal: 'yes' }, 'deleteOriginal');
    refused(parseAnonymizeRequest, { retainDates: true }, 'retainDates');
  });
});

describe('POST /api/studies/:uid/modify and /merge bodies', () => {
  test('modify: set of allow-listed attributes, newUids optional', () => {
    const request = parseModifyRequest({ set: { PatientName: 'NEW^NAME' }, newUids: true });
    assert.deepEqual(request.changes.map((c) => [c.keyword, c.value]), [['PatientName', 'NEW^NAME']]);
    assert.equal(request.newUids, true);
    assert.equal(parseModifyRequest({ set: { AccessionNumber: 'A1' } }).newUids, false);
  });

  test('modify: each bad field is named, down to the attribute', () => {
    refused(parseModifyRequest, null, '(body)');
    refused(parseModifyRequest, {}, 'set');
    refused(parseModifyRequest, { set: { Modality: 'MR' } }, 'set.Modality');
    refused(parseModifyRequest, { set: { StudyDate: 'yesterday' } }, 'set.StudyDate');
    refused(parseModifyRequest, { set: { PatientName: 'A' }, newUids: 1 }, 'newUids');
    refused(parseModifyRequest, { set: { PatientName: 'A' }, reason: 'typo' }, 'reason');
  });

  test('merge: into is a valid UID (PS3.5 §9.1)', () => {
    assert.deepEqual(parseMergeRequest({ into: '1.2.3' }), { into: '1.2.3' });
    refused(parseMergeRequest, {}, 'into');
    refused(parseMergeRequest, { into: '1.02.3' }, 'into');
    refused(parseMergeRequest, { into: '1.2.3', also: '4' }, 'also');
  });
});
