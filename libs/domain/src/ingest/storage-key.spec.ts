import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DEFAULT_KEY_TEMPLATE, objectKey, studyKeyPrefix } from './storage-key';

describe('study key prefix (regen of one study lists only its prefix)', () => {
  const study = '1.2.840.113619.2.1';
  const key = objectKey(DEFAULT_KEY_TEMPLATE, { studyInstanceUid: study, seriesInstanceUid: '1.2.3', sopInstanceUid: '1.2.3.4', uploadId: 'u1' });

  test('default template: shard and study UID, ending at the separator', () => {
    const prefix = studyKeyPrefix(DEFAULT_KEY_TEMPLATE, study);
    assert.match(prefix ?? '', /^[0-9a-f]{2}\/[0-9a-f]{2}\/1\.2\.840\.113619\.2\.1\/$/);
    assert.ok(key.startsWith(prefix as string));
  });

  test('a study whose UID extends another study UID is not under its prefix', () => {
    const flat = '{studyInstanceUid}/{sopInstanceUid}.{uploadId}.dcm';
    const other = objectKey(flat, { studyInstanceUid: `${study}5`, seriesInstanceUid: '1.2.3', sopInstanceUid: '1.2.3.4', uploadId: 'u1' });
    assert.equal(other.startsWith(studyKeyPrefix(flat, study) as string), false);
  });

  test('templates not starting with the study give no prefix (regen then filters by header)', () => {
    assert.equal(studyKeyPrefix('{seriesInstanceUid}/{studyInstanceUid}/{sopInstanceUid}.{uploadId}', study), undefined);
    assert.equal(studyKeyPrefix('{studyInstanceUid}{sopInstanceUid}.{uploadId}', study), undefined);
    assert.equal(studyKeyPrefix('{sopInstanceUid}.{uploadId}', study), undefined);
  });

  test('a fixed leading folder is kept', () => {
    assert.equal(studyKeyPrefix('archive/{studyInstanceUid}/{sopInstanceUid}.{uploadId}', study), `archive/${study}/`);
  });

  test('the UID is validated before it becomes a key prefix', () => {
    assert.throws(() => studyKeyPrefix(DEFAULT_KEY_TEMPLATE, '../etc'), /not a valid UID/);
  });
});
