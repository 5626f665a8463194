import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compileForwardRules, forwardRetryDelay, InvalidForwardRuleError, planForwards, type ForwardRuleConfig, type ForwardSubject } from './index';

const retry = { maxAttempts: 3, holdOffMs: 1_000, retryDelayMs: 5_000 };
const rule = (over: Partial<ForwardRuleConfig>): ForwardRuleConfig => ({ name: 'r', enabled: true, destination: 'DEST', level: 'instance', delayMs: 0, retry, ...over });
const subject: ForwardSubject = {
  callingAe: 'CT_SCANNER', calledAe: 'PACS', sopClassUid: '1.2.840.10008.5.1.4.1.1.2', modality: 'CT', stationName: 'CTROOM1',
  attributes: { '00081030': { vr: 'LO', Value: ['Head CT'] }, '00100010': { vr: 'PN', Value: [{ Alphabetic: 'DOE^JOHN' }] } },
};
const ids = { studyInstanceUid: '1.2.3', seriesInstanceUid: '1.2.3.4', sopInstanceUid: '1.2.3.4.5' };

describe('forwarding rules', () => {
  test('match on modality, station name, AE titles, SOP class and attributes (all must hold)', () => {
    const [r] = compileForwardRules([rule({
      match: {
        modality: ['MR', 'C?'], stationName: 'CTROOM*', callingAe: 'CT_*', calledAe: 'PACS', sopClassUids: ['1.2.840.10008.5.1.4.1.1.2'],
        attributes: [{ tag: 'StudyDescription', matches: '^Head' }, { tag: '00100010', equals: 'DOE^JOHN' }, { tag: 'AccessionNumber', present: false }],
      },
    })]);
    assert.equal(r?.matches(subject), true);
    assert.equal(r?.matches({ ...subject, stationName: 'MRROOM' }), false);
    assert.equal(r?.matches({ ...subject, attributes: { ...subject.attributes, '00080050': { vr: 'SH', Value: ['A1'] } } }), false);
  });

  test('jobs are keyed by the level UID, so the instances of a series or study join one job', () => {
    const rules = compileForwardRules([rule({ name: 'i' }), rule({ name: 's', level: 'study', stableMs: 30_000 }), rule({ name: 'x', level: 'series', delayMs: 10_000 })]);
    const jobs = planForwards(rules, subject, ids);
    assert.deepEqual(jobs.map((j) => j.target), ['i|DEST|instance|1.2.3.4.5', 's|DEST|study|1.2.3', 'x|DEST|series|1.2.3.4']);
    assert.deepEqual(jobs.map((j) => j.delayMs), [0, 30_000, 10_000]);
  });

  test('bad rules name their key', () => {
    const path = (r: ForwardRuleConfig[]) => {
      try {
        compileForwardRules(r);
      } catch (err) {
        if (err instanceof InvalidForwardRuleError) return err.path;
        throw err;
      }
      return '(no error)';
    };
    assert.equal(path([rule({ match: { attributes: [{ tag: 'NoSuchKeyword', present: true }] } })]), 'archiver.forwardRules[0].match.attributes[0].tag');
    assert.equal(path([rule({}), rule({})]), 'archiver.forwardRules[1].name');
    assert.equal(path([rule({ stableMs: 5 })]), 'archiver.forwardRules[0].stableMs');
    assert.equal(path([rule({ match: { sopClassUids: ['not a uid'] } })]), 'archiver.forwardRules[0].match.sopClassUids[0]');
  });

  test('hold-off after the first failure, the retry delay after later ones', () => {
    assert.equal(forwardRetryDelay(1, retry), 1_000);
    assert.equal(forwardRetryDelay(2, retry), 5_000);
  });
});
