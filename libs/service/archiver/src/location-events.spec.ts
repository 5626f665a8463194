import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compileForwardRules, planTiers } from '@pacs/domain';
import type { NewLocationEvent } from '@pacs/persistence';
import { jobsFor } from './location-events';

const plan = planTiers({
  ingestTier: 'primary',
  tiers: [{ name: 'm1', role: 'mirror', driver: 'filesystem', filesystem: { root: '/m1' } }, { name: 'cold', role: 'nearline', driver: 'filesystem', filesystem: { root: '/cold' } }],
  nightlyMove: {},
});
const retry = { maxAttempts: 4, holdOffMs: 1, retryDelayMs: 2 };
const rules = compileForwardRules([
  { name: 'ct', enabled: true, match: { modality: 'CT' }, destination: 'VIEWER', level: 'study', delayMs: 0, stableMs: 10_000, retry },
  { name: 'mr', enabled: true, match: { modality: 'MR' }, destination: 'VIEWER', level: 'instance', delayMs: 0, retry },
]);
const event = (tier: string, over: Partial<NewLocationEvent> = {}): NewLocationEvent => ({
  instanceId: '7', tier, storageKey: 'k', digest: 'd', size: 1, sopInstanceUid: '1.2.3.4.5', sopClassUid: '1.2.840.10008.5.1.4.1.1.2',
  seriesInstanceUid: '1.2.3.4', studyInstanceUid: '1.2.3', sourceAe: 'CT1', modality: 'CT', stationName: '', attributes: {}, ...over,
});

describe('new object locations → archive jobs', () => {
  test('an object arriving on a primary tier: a mirror copy per mirror tier and the forwards its rules ask for', () => {
    const jobs = jobsFor([event('primary')], plan, rules, { calledAe: 'PACS', maxAttempts: 9 });
    assert.deepEqual(jobs.map((j) => `${j.kind} ${j.target}`), ['mirror 7>m1', 'forward ct|VIEWER|study|1.2.3']);
    assert.deepEqual(jobs[1]?.join, { stableMs: 10_000 }, 'study-level jobs collect the instances of the study');
    assert.equal(jobs[1]?.maxAttempts, 4);
    assert.deepEqual(jobs[1]?.payload['instances'], ['1.2.3.4.5']);
  });

  test('a copy the archiver made on nearline is not a new object', () => {
    assert.deepEqual(jobsFor([event('cold')], plan, rules, { calledAe: 'PACS', maxAttempts: 9 }), []);
  });

  test('instance-level rules do not join other jobs', () => {
    const [, forward] = jobsFor([event('primary', { modality: 'MR' })], plan, rules, { calledAe: 'PACS', maxAttempts: 9 });
    assert.equal(forward?.target, 'mr|VIEWER|instance|1.2.3.4.5');
    assert.equal(forward?.join, undefined);
  });
});
