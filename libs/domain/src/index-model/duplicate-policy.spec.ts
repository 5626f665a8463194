import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decideDuplicate, DUPLICATE_POLICIES, type DuplicateDecision, type DuplicatePolicy } from './duplicate-policy';

const A = { digest: 'aaa', sourceAe: 'MODALITY1' };
const B_SAME_AE = { digest: 'bbb', sourceAe: 'MODALITY1 ' };
const B_OTHER_AE = { digest: 'bbb', sourceAe: 'MODALITY2' };
const B_NO_AE = { digest: 'bbb', sourceAe: null };

describe('duplicate SOP Instance policy', () => {
  test('an unknown SOP Instance UID is stored, whatever the policy', () => {
    for (const policy of DUPLICATE_POLICIES) assert.equal(decideDuplicate(policy, undefined, A), 'store-new');
    for (const policy of DUPLICATE_POLICIES) assert.equal(decideDuplicate(policy, null, A), 'store-new');
  });

  test('the same digest again is a redelivery: keep the existing object, whatever the policy', () => {
    for (const policy of DUPLICATE_POLICIES) {
      assert.equal(decideDuplicate(policy, A, A), 'keep-existing');
      assert.equal(decideDuplicate(policy, A, { digest: 'aaa', sourceAe: 'ELSEWHERE' }), 'keep-existing');
    }
  });

  const table: Array<[DuplicatePolicy, typeof A | typeof B_NO_AE, DuplicateDecision]> = [
    ['keep-first', B_SAME_AE, 'keep-existing'],
    ['keep-first', B_OTHER_AE, 'keep-existing'],
    ['replace', B_SAME_AE, 'replace'],
    ['replace', B_OTHER_AE, 'replace'],
    ['replace-same-source', B_SAME_AE, 'replace'],
    ['replace-same-source', B_OTHER_AE, 'keep-existing'],
    ['replace-same-source', B_NO_AE, 'keep-existing'],
    ['reject-if-different', B_SAME_AE, 'reject'],
    ['reject-if-different', B_OTHER_AE, 'reject'],
  ];
  for (const [policy, incoming, expected] of table) {
    test(`${policy}, different digest from ${incoming.sourceAe ?? 'an unknown AE'} → ${expected}`, () => {
      assert.equal(decideDuplicate(policy, A, incoming), expected);
    });
  }

  test('an unknown source is never "the same source"', () => {
    assert.equal(decideDuplicate('replace-same-source', { digest: 'a', sourceAe: null }, B_NO_AE), 'keep-existing');
  });
});
