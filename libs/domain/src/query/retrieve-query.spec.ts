import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DataSet, QueryRetrieveModel } from '@pacs/dicom';
import {
  decodeFindReply, decodeQrRequest, decodeRetrieveReply, encodeFindMatch, encodeOutcome, encodeQrRequest, encodeRetrieveInstances, qrSubjects,
} from './qr-protocol';
import { QueryIdentifierError } from './query-errors';
import { dataSet, type Keys } from './query-testing';
import { parseRetrieveIdentifier } from './retrieve-query';

const parse = (model: string, keys: Keys) => parseRetrieveIdentifier(dataSet(keys), model);

function refused(model: string, keys: Keys, tag: number): void {
  assert.throws(() => parse(model, keys), (err: unknown) => err instanceof QueryIdentifierError && err.status === 0xa900 && err.offendingElements[0] === tag);
}

describe('C-MOVE / C-GET identifiers (PS3.4 C.4.2.2.1, C.4.3.2.1)', () => {
  test('Study Root STUDY level: a list of Study Instance UIDs', () => {
    assert.deepEqual(parse(QueryRetrieveModel.StudyRootMove, { QueryRetrieveLevel: 'STUDY', StudyInstanceUID: '1.2\\1.3' }), {
      model: 'study-root', level: 'STUDY', studyInstanceUids: ['1.2', '1.3'],
    });
  });

  test('Patient Root PATIENT level: one Patient ID and its issuer', () => {
    assert.deepEqual(parse(QueryRetrieveModel.PatientRootGet, { QueryRetrieveLevel: 'PATIENT', PatientID: 'P1', IssuerOfPatientID: 'HOSP' }), {
      model: 'patient-root', level: 'PATIENT', patientId: 'P1', issuerOfPatientId: 'HOSP',
    });
  });

  test('IMAGE level: SOP Instance UIDs under one series; keys above narrow it', () => {
    assert.deepEqual(parse(QueryRetrieveModel.StudyRootGet, { QueryRetrieveLevel: 'IMAGE', StudyInstanceUID: '1.2', SeriesInstanceUID: '1.2.3', SOPInstanceUID: '1.2.3.4\\1.2.3.5' }), {
      model: 'study-root', level: 'IMAGE', studyInstanceUids: ['1.2'], seriesInstanceUids: ['1.2.3'], sopInstanceUids: ['1.2.3.4', '1.2.3.5'],
    });
    assert.deepEqual(parse(QueryRetrieveModel.CompositeInstanceRootMove, { QueryRetrieveLevel: 'SERIES', SeriesInstanceUID: '1.2.3' }).seriesInstanceUids, ['1.2.3']);
  });

  test('without the unique key of its level → 0xA900 naming it', () => refused(QueryRetrieveModel.StudyRootMove, { QueryRetrieveLevel: 'SERIES', StudyInstanceUID: '1.2' }, 0x0020000e));
  test('a wildcard → 0xA900', () => refused(QueryRetrieveModel.PatientRootMove, { QueryRetrieveLevel: 'PATIENT', PatientID: 'P*' }, 0x00100020));
  test('a list above the retrieve level → 0xA900', () => refused(QueryRetrieveModel.StudyRootMove, { QueryRetrieveLevel: 'SERIES', StudyInstanceUID: '1.2\\1.3', SeriesInstanceUID: '1.4' }, 0x0020000d));
  test('a level the model does not have → 0xA900', () => refused(QueryRetrieveModel.StudyRootMove, { QueryRetrieveLevel: 'PATIENT', PatientID: 'P1' }, 0x00080052));
});

describe('listener ↔ qr-service messages', () => {
  test('subjects: pacs.qr.find for the default namespace, suffixed for another', () => {
    assert.deepEqual(qrSubjects(), { find: 'pacs.qr.find', retrieve: 'pacs.qr.retrieve' });
    assert.deepEqual(qrSubjects('E2E_1'), { find: 'pacs.qr.find.E2E_1', retrieve: 'pacs.qr.retrieve.E2E_1' });
  });

  test('a request round-trips with its identifier, Unicode included', () => {
    const identifier = dataSet({ QueryRetrieveLevel: 'STUDY', PatientName: '山田*' });
    const back = decodeQrRequest(encodeQrRequest({ sopClassUid: QueryRetrieveModel.StudyRootFind, callingAeTitle: 'SCU', calledAeTitle: 'PACS', relational: true, identifier }));
    assert.equal(back.identifier.getString(0x00100010), '山田*');
    assert.deepEqual([back.sopClassUid, back.callingAeTitle, back.calledAeTitle, back.relational, back.combinedDateTime], [QueryRetrieveModel.StudyRootFind, 'SCU', 'PACS', true, false]);
  });

  test('find replies: matches with their pending status, then the outcome', () => {
    const match = decodeFindReply(encodeFindMatch(new DataSet().setStrings(0x00100020, 'P1', 'LO'), 0xff01));
    assert.equal(match.kind, 'match');
    assert.equal(match.kind === 'match' && match.status, 0xff01);
    assert.equal(match.kind === 'match' && match.identifier.getString(0x00100020), 'P1');
    assert.deepEqual(decodeFindReply(encodeOutcome({ status: 0xa900, errorComment: 'no level', offendingElements: [0x00080052] })), {
      kind: 'final', status: 0xa900, errorComment: 'no level', offendingElements: [0x00080052],
    });
  });

  test('retrieve replies: instance lists, then the outcome', () => {
    const instances = [{ sopInstanceUid: '1.2', sopClassUid: '1.2.840.10008.5.1.4.1.1.2', transferSyntaxUid: '1.2.840.10008.1.2.1', tier: 'primary', storageKey: 'k', size: 10 }];
    assert.deepEqual(decodeRetrieveReply(encodeRetrieveInstances(instances)), { kind: 'instances', instances });
    assert.deepEqual(decodeRetrieveReply(encodeOutcome({ status: 0 })), { kind: 'final', status: 0 });
    assert.throws(() => decodeRetrieveReply(Uint8Array.of(9)), /unexpected retrieve reply frame 9/);
  });
});
