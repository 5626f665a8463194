import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InvalidTierConfigError, nextCleanupStep, nextMoveStep, nightlyRunDue, planTiers, roleOf, studiesToRelease, type TierDeclaration } from './index';

const fs = (name: string, role: TierDeclaration['role']): TierDeclaration => ({ name, role, driver: 'filesystem', filesystem: { root: `/data/${name}` } });
const keyOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    if (err instanceof InvalidTierConfigError) return err.key;
    throw err;
  }
  return '(no error)';
};

describe('planTiers', () => {
  test('the ingest tier is an implicit primary in the default store; mirror and nearline tiers have stores of their own', () => {
    const plan = planTiers({ ingestTier: 'primary', tiers: [fs('mirror', 'mirror'), fs('cold', 'nearline')], nightlyMove: { thresholdBytes: 100 } });
    assert.deepEqual(plan.primaries, ['primary']);
    assert.deepEqual(plan.mirrors, ['mirror']);
    assert.deepEqual(plan.nightlyMove, { source: 'primary', target: 'cold', thresholdBytes: 100 });
    assert.equal(roleOf(plan, 'cold'), 'nearline');
    assert.equal(roleOf(plan, 'some-rule-tier'), 'primary', 'a tier an import rule named lives in the default store');
  });

  test('an unknown tier in the nightly move names its key', () => {
    assert.equal(keyOf(() => planTiers({ ingestTier: 'primary', tiers: [fs('cold', 'nearline')], nightlyMove: { thresholdBytes: 1, target: 'colder' } })), 'archiver.nightlyMove.target');
    assert.equal(keyOf(() => planTiers({ ingestTier: 'primary', tiers: [fs('cold', 'nearline')], nightlyMove: { source: 'cold' } })), 'archiver.nightlyMove.source');
  });

  test('a threshold without a nearline tier, or with two and no target, is refused', () => {
    assert.equal(keyOf(() => planTiers({ ingestTier: 'primary', tiers: [], nightlyMove: { thresholdBytes: 1 } })), 'archiver.nightlyMove.target');
    assert.equal(keyOf(() => planTiers({ ingestTier: 'primary', tiers: [fs('a', 'nearline'), fs('b', 'nearline')], nightlyMove: { thresholdBytes: 1 } })), 'archiver.nightlyMove.target');
  });

  test('a mirror in the default store, a duplicate name, a store without its settings, the ingest tier as mirror: each names its key', () => {
    assert.equal(keyOf(() => planTiers({ ingestTier: 'primary', tiers: [{ name: 'm', role: 'mirror' }], nightlyMove: {} })), 'storage.tiers[0].driver');
    assert.equal(keyOf(() => planTiers({ ingestTier: 'primary', tiers: [fs('m', 'mirror'), fs('m', 'mirror')], nightlyMove: {} })), 'storage.tiers[1].name');
    assert.equal(keyOf(() => planTiers({ ingestTier: 'primary', tiers: [{ name: 'm', role: 'mirror', driver: 's3' }], nightlyMove: {} })), 'storage.tiers[0].s3');
    assert.equal(keyOf(() => planTiers({ ingestTier: 'primary', tiers: [fs('primary', 'mirror')], nightlyMove: {} })), 'storage.tiers[0].role');
    assert.equal(keyOf(() => planTiers({ ingestTier: 'primary', tiers: [{ ...fs('m', 'mirror'), cleanupThresholdBytes: 0 }], nightlyMove: {} })), 'storage.tiers[0].cleanupThresholdBytes');
  });
});

describe('nightlyRunDue', () => {
  test('due once per local day, from the configured time on', () => {
    const before = new Date(2026, 10, 25, 1, 59);
    const after = new Date(2026, 10, 25, 2, 0);
    assert.equal(nightlyRunDue('02:00', before, undefined).due, false);
    assert.deepEqual(nightlyRunDue('02:00', after, undefined), { due: true, day: '2026-11-25' });
    assert.equal(nightlyRunDue('02:00', after, '2026-11-25').due, false, 'already ran today');
    assert.equal(nightlyRunDue('02:00', new Date(2026, 10, 26, 23, 0), '2026-11-25').due, true, 'a leader starting late still runs it');
  });
});

describe('studiesToRelease', () => {
  test('the least recently received first, until the rest is at or below the threshold', () => {
    const studies = [{ studyInstanceUid: 'old', bytes: 40 }, { studyInstanceUid: 'mid', bytes: 40 }, { studyInstanceUid: 'new', bytes: 40 }];
    assert.deepEqual(studiesToRelease(studies, 120, 60).map((s) => s.studyInstanceUid), ['old', 'mid']);
    assert.deepEqual(studiesToRelease(studies, 120, 120), []);
  });
});

describe('location steps', () => {
  test('move: copy while the target has no verified copy, switch, release, done', () => {
    assert.equal(nextMoveStep('ok', undefined), 'copy');
    assert.equal(nextMoveStep('ok', 'copying'), 'copy');
    assert.equal(nextMoveStep('deleting', undefined), 'copy', 'crash state without a verified target: the source bytes are still there');
    assert.equal(nextMoveStep('ok', 'ok'), 'switch');
    assert.equal(nextMoveStep('deleting', 'ok'), 'release');
    assert.equal(nextMoveStep(undefined, 'ok'), 'done');
    assert.equal(nextMoveStep(undefined, undefined), 'skip');
    assert.equal(nextMoveStep('missing', undefined), 'skip');
  });

  test('cleanup: never removes the only usable copy', () => {
    assert.equal(nextCleanupStep('ok', 0), 'keep');
    assert.equal(nextCleanupStep('ok', 1), 'mark');
    assert.equal(nextCleanupStep('deleting', 1), 'release');
    assert.equal(nextCleanupStep('deleting', 0), 'restore');
    assert.equal(nextCleanupStep(undefined, 1), 'done');
  });
});
