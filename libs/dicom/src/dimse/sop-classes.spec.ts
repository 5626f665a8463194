import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isValidUid } from '../core';
import {
  isStorageSopClass,
  QUERY_RETRIEVE_SOP_CLASSES,
  QueryRetrieveModel,
  queryRetrieveSopClass,
  sopClassByKeyword,
  sopClassByUid,
  STORAGE_SOP_CLASSES,
  VERIFICATION_SOP_CLASS,
} from './sop-classes';

describe('SOP class lists (PS3.4 Annex B.5, C.6)', () => {
  test('every storage UID is valid, unique, and keyed by a unique keyword', () => {
    const uids = new Set(STORAGE_SOP_CLASSES.map((c) => c.uid));
    const keywords = new Set(STORAGE_SOP_CLASSES.map((c) => c.keyword));
    assert.equal(uids.size, STORAGE_SOP_CLASSES.length);
    assert.equal(keywords.size, STORAGE_SOP_CLASSES.length);
    for (const c of STORAGE_SOP_CLASSES) assert.ok(isValidUid(c.uid), c.uid);
    assert.ok(STORAGE_SOP_CLASSES.length >= 190, `only ${STORAGE_SOP_CLASSES.length} storage classes`);
  });

  test('well-known classes by UID and keyword, retired ones flagged', () => {
    assert.equal(sopClassByUid('1.2.840.10008.5.1.4.1.1.2')?.keyword, 'CTImageStorage');
    assert.equal(sopClassByKeyword('secondarycaptureimagestorage')?.uid, '1.2.840.10008.5.1.4.1.1.7');
    assert.equal(sopClassByUid('1.2.840.10008.5.1.4.1.1.6')?.retired, true);
    assert.equal(sopClassByUid('1.2.840.10008.5.1.4.1.1.6.1')?.retired, false);
    assert.equal(sopClassByUid('1.2.840.10008.5.1.4.34.7')?.keyword, 'RTBeamsDeliveryInstructionStorage');
    assert.ok(isStorageSopClass('1.2.840.10008.5.1.4.1.1.88.59'));
    assert.ok(!isStorageSopClass(VERIFICATION_SOP_CLASS.uid));
    assert.ok(!isStorageSopClass(QueryRetrieveModel.StudyRootFind));
  });

  test('Q/R models: FIND/MOVE/GET for patient root, study root and the retired patient/study only', () => {
    for (const model of ['patient-root', 'study-root', 'patient-study-only'] as const) {
      const ops = QUERY_RETRIEVE_SOP_CLASSES.filter((c) => c.model === model).map((c) => c.operation).sort();
      assert.deepEqual(ops, ['find', 'get', 'move'], model);
    }
    assert.equal(queryRetrieveSopClass(QueryRetrieveModel.PatientStudyOnlyMove)?.retired, true);
    assert.equal(queryRetrieveSopClass('1.2.840.10008.5.1.4.1.2.2.3')?.operation, 'get');
  });
});
