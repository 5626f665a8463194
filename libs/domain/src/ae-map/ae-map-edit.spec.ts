import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkAeMapEntry, InvalidAeMapEntryError } from './ae-map-edit';

describe('AE map entry as an operator sends it', () => {
  test('defaults of a new entry; an edit keeps what it does not name', () => {
    const added = checkAeMapEntry({ aeTitle: 'CT*' });
    assert.deepEqual(added, { aeTitle: 'CT*', host: '', port: 104, tls: false, store: true, query: true, retrieve: true });
    const edited = checkAeMapEntry({ port: 11112, retrieve: false, description: 'scanners' }, added);
    assert.deepEqual(edited, { ...added, port: 11112, retrieve: false, description: 'scanners' });
  });

  test('refused with the field named', () => {
    const field = (input: unknown): string => {
      try {
        checkAeMapEntry(input);
      } catch (err) {
        assert.ok(err instanceof InvalidAeMapEntryError);
        return err.field;
      }
      return 'accepted';
    };
    assert.equal(field({ aeTitle: 'SEVENTEEN_CHARS_X' }), 'aeTitle');
    assert.equal(field({ aeTitle: 'A\\B' }), 'aeTitle');
    assert.equal(field({ aeTitle: '   ' }), 'aeTitle');
    assert.equal(field({ aeTitle: 'A', port: 65536 }), 'port');
    assert.equal(field({ aeTitle: 'A', tls: 'yes' }), 'tls');
    assert.equal(field({ aeTitle: 'A', preferredTransferSyntax: '1.2.abc' }), 'preferredTransferSyntax');
    assert.equal(field({ aeTitle: 'A', hots: 'x' }), 'hots');
    assert.equal(field([]), '(body)');
  });
});
