import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { tagForKeyword } from '@pacs/dicom';
import { attributeLevel, LEVEL_KEYWORDS } from './attribute-levels';

describe('attribute levels (PS3.3 modules → Patient/Study/Series IEs)', () => {
  test('every keyword in the table is in the PS3.6 dictionary, and in one level only', () => {
    const seen = new Map<string, string>();
    for (const [level, keywords] of Object.entries(LEVEL_KEYWORDS)) {
      for (const keyword of keywords) {
        assert.notEqual(tagForKeyword(keyword), undefined, keyword);
        assert.equal(seen.get(keyword), undefined, `${keyword} in ${seen.get(keyword)} and ${level}`);
        seen.set(keyword, level);
      }
    }
  });

  test('the dicom.sql query keys sit at their Q/R levels', () => {
    assert.equal(attributeLevel(0x00100020), 'patient'); // PatientID
    assert.equal(attributeLevel(0x00100030), 'patient'); // PatientBirthDate
    assert.equal(attributeLevel(0x0020000d), 'study'); // StudyInstanceUID
    assert.equal(attributeLevel(0x00101010), 'study'); // PatientAge (Patient Study module)
    assert.equal(attributeLevel(0x00080060), 'series'); // Modality
    assert.equal(attributeLevel(0x00081090), 'series'); // ManufacturerModelName (General Equipment)
    assert.equal(attributeLevel(0x00200052), 'series'); // FrameOfReferenceUID
    assert.equal(attributeLevel(0x00080018), 'instance'); // SOPInstanceUID
    assert.equal(attributeLevel(0x00280010), 'instance'); // Rows
    assert.equal(attributeLevel(0x00091010), 'instance'); // private
  });
});
