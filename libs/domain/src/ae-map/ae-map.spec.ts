import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AeMap, type AeMapEntry } from './ae-map';

const entry = (aeTitle: string, more: Partial<AeMapEntry> = {}): AeMapEntry => ({
  aeTitle, host: '10.0.0.1', port: 104, tls: false, store: true, query: true, retrieve: true, ...more,
});

describe('AE map (acrnema.map)', () => {
  const map = new AeMap([
    entry('CT_READONLY', { store: false }),
    entry('CT*', { retrieve: false }),
    entry('MR?'),
    entry('VIEWER', { host: 'viewer.example', port: 11112 }),
  ]);

  test('first match wins; wildcards * and ?', () => {
    assert.equal(map.lookup('CT_READONLY')?.store, false);
    assert.equal(map.lookup('CT_SCANNER1')?.aeTitle, 'CT*');
    assert.equal(map.lookup('MR1')?.aeTitle, 'MR?');
    assert.equal(map.lookup('MR12'), undefined);
    assert.equal(map.lookup('US1'), undefined);
  });

  test('permissions per entry; unknown AEs may do nothing', () => {
    assert.equal(map.allows('CT_SCANNER1', 'store'), true);
    assert.equal(map.allows('CT_SCANNER1', 'retrieve'), false);
    assert.equal(map.allows('CT_READONLY', 'store'), false);
    assert.equal(map.allows('NOBODY', 'query'), false);
  });

  test('trailing spaces are not significant (PS3.5 AE)', () => {
    assert.equal(map.lookup('VIEWER  ')?.port, 11112);
  });

  test('a C-MOVE destination must be an exact entry, never a pattern', () => {
    assert.equal(map.destination('VIEWER')?.host, 'viewer.example');
    assert.equal(map.destination('CT_SCANNER1'), undefined);
  });

  test('regular-expression characters in titles are literal', () => {
    const m = new AeMap([entry('A.B+')]);
    assert.equal(m.lookup('A.B+')?.aeTitle, 'A.B+');
    assert.equal(m.lookup('AXBB'), undefined);
  });
});
