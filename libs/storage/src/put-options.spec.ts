import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InvalidObjectMetadataError } from './errors';
import type { PutObjectOptions } from './object-store';
import { DEFAULT_CONTENT_TYPE, validatePutOptions } from './put-options';

describe('validatePutOptions', () => {
  test('applies defaults', () => {
    assert.deepEqual(validatePutOptions('k'), { size: undefined, contentType: DEFAULT_CONTENT_TYPE, metadata: {}, recordDigest: true });
  });

  test('keeps valid size, content type and metadata', () => {
    const options = { size: 12, contentType: 'application/dicom', metadata: { 'sop-class': '1.2.840.10008.5.1.4.1.1.2', a: 'b c' }, recordDigest: false };
    assert.deepEqual(validatePutOptions('k', options), options);
  });

  test('rejects what S3 would alter or refuse', () => {
    const invalid: PutObjectOptions[] = [
      { size: -1 },
      { size: 1.5 },
      { size: Number.MAX_SAFE_INTEGER + 1 },
      { contentType: '' },
      { contentType: 'a\nb' },
      { metadata: { Upper: 'x' } },
      { metadata: { '-lead': 'x' } },
      { metadata: { 'trail-': 'x' } },
      { metadata: { under_score: 'x' } },
      { metadata: { sha256: 'x' } },
      { metadata: { empty: '' } },
      { metadata: { space: 'x ' } },
      { metadata: { tab: 'a\tb' } },
      { metadata: { utf8: 'Müller' } },
      { metadata: { big: 'x'.repeat(2046) } },
      { recordDigest: 'no' as unknown as boolean },
    ];
    for (const options of invalid) {
      assert.throws(() => validatePutOptions('k', options), InvalidObjectMetadataError, JSON.stringify(options).slice(0, 50));
    }
  });

  test('the 2 KiB limit counts keys and values', () => {
    assert.doesNotThrow(() => validatePutOptions('k', { metadata: { ab: 'x'.repeat(2046) } }));
    assert.throws(() => validatePutOptions('k', { metadata: { abc: 'x'.repeat(2046) } }), InvalidObjectMetadataError);
  });
});
