import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { filtersOverlap, isValidSubject, subjectMatches } from './subject';

describe('NATS subject grammar', () => {
  test('literal subjects are valid for publish; wildcards only where filters are allowed', () => {
    assert.equal(isValidSubject('pacs.instance.received', false), true);
    assert.equal(isValidSubject('pacs.*.received', false), false);
    assert.equal(isValidSubject('pacs.>', false), false);
    assert.equal(isValidSubject('pacs.*.received', true), true);
    assert.equal(isValidSubject('pacs.>', true), true);
  });

  test('empty tokens, whitespace, inner ">" and partial-token wildcards are invalid', () => {
    for (const s of ['', 'a..b', '.a', 'a.', 'a b', 'a.>.b', 'a.b*', 'a.>x', 'a\tb']) {
      assert.equal(isValidSubject(s, true), false, s);
    }
  });

  test('"*" matches exactly one token, ">" one or more trailing tokens', () => {
    assert.equal(subjectMatches('a.*.c', 'a.b.c'), true);
    assert.equal(subjectMatches('a.*.c', 'a.b.x.c'), false);
    assert.equal(subjectMatches('a.*', 'a'), false);
    assert.equal(subjectMatches('a.>', 'a.b'), true);
    assert.equal(subjectMatches('a.>', 'a.b.c.d'), true);
    assert.equal(subjectMatches('a.>', 'a'), false);
    assert.equal(subjectMatches('a.b', 'a.b'), true);
    assert.equal(subjectMatches('a.b', 'a.b.c'), false);
    assert.equal(subjectMatches('>', 'x'), true);
  });

  test('filters overlap when one literal subject could match both', () => {
    assert.equal(filtersOverlap('a.>', 'a.b.c'), true);
    assert.equal(filtersOverlap('a.*', 'a.b'), true);
    assert.equal(filtersOverlap('a.*.c', 'a.b.*'), true);
    assert.equal(filtersOverlap('a.*', 'a.b.c'), false);
    assert.equal(filtersOverlap('a.b', 'a.c'), false);
    assert.equal(filtersOverlap('a.b', 'a.b.>'), false);
    assert.equal(filtersOverlap('>', 'x.y'), true);
  });
});
