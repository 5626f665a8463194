import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { QidoRequestError, attributeTag, qidoQuery } from './qido-query';

describe('QIDO-RS request → C-FIND identifier (PS3.18 §8.3.4)', () => {
  test('keywords and tags; path UIDs; default return keys of the level', () => {
    const q = qidoQuery('SERIES', { study: '1.2.3' }, { '00080060': 'CT', PatientName: 'DOE*', limit: '5', offset: '2' }, 100);
    assert.equal(q.identifier.getString(0x00080052), 'SERIES');
    assert.equal(q.identifier.getString(0x0020000d), '1.2.3');
    assert.equal(q.identifier.getString(0x00080060), 'CT');
    assert.equal(q.identifier.getString(0x00100010), 'DOE*');
    assert.ok(q.identifier.has(0x0020000e) && q.identifier.has(0x00201209), 'series defaults requested');
    assert.deepEqual([q.limit, q.offset], [5, 2]);
  });

  test('includefield list and all; fuzzymatching', () => {
    const q = qidoQuery('STUDY', {}, { includefield: ['StudyID,00081030', 'all'], fuzzymatching: 'true' }, 100);
    assert.ok(q.identifier.has(0x00081030));
    assert.equal(q.includeAll, true);
    assert.equal(q.fuzzy, true);
  });

  test('bad requests are QidoRequestErrors', () => {
    assert.throws(() => attributeTag('NoSuchKeyword'), QidoRequestError);
    assert.throws(() => qidoQuery('STUDY', {}, { limit: '-1' }, 100), QidoRequestError);
    assert.throws(() => qidoQuery('STUDY', {}, { limit: '101' }, 100), QidoRequestError);
    assert.throws(() => qidoQuery('STUDY', {}, { PatientID: ['A', 'B'] }, 100), QidoRequestError);
    assert.throws(() => qidoQuery('STUDY', {}, { Rows: '512' }, 100), /not supported/);
    assert.throws(() => qidoQuery('STUDY', {}, { fuzzymatching: 'maybe' }, 100), QidoRequestError);
  });
});
