import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { JobView } from '@pacs/persistence';
import { jobJson } from './job-json';
import { InvalidSendRequestError, parseSendRequest } from './send-request';

const refused = (body: unknown, field: string) =>
  assert.throws(() => parseSendRequest(body), (e: unknown) => e instanceof InvalidSendRequestError && e.field === field, JSON.stringify(body));

describe('POST /api/jobs/send body', () => {
  test('destination and study; the series is optional', () => {
    assert.deepEqual(parseSendRequest({ destination: 'STORESCP', studyInstanceUid: '1.2.3' }), { destination: 'STORESCP', studyInstanceUid: '1.2.3' });
    assert.deepEqual(parseSendRequest({ destination: 'A', studyInstanceUid: '1.2.3', seriesInstanceUid: '1.2.3.4' }), { destination: 'A', studyInstanceUid: '1.2.3', seriesInstanceUid: '1.2.3.4' });
  });

  test('each bad field is named: PS3.5 §9.1 UIDs, PS3.5 §6.2 AE titles, unknown fields', () => {
    refused(null, '(body)');
    refused({ destination: 'A', studyInstanceUid: '1.02.3' }, 'studyInstanceUid');
    refused({ destination: 'A', studyInstanceUid: '1.2.3', seriesInstanceUid: 5 }, 'seriesInstanceUid');
    refused({ destination: 'A', studyInstanceUid: `1.${'2'.repeat(64)}` }, 'studyInstanceUid');
    refused({ destination: 'AN_AE_TITLE_TOO_LONG', studyInstanceUid: '1.2' }, 'destination');
    refused({ destination: 'BACK\\SLASH', studyInstanceUid: '1.2' }, 'destination');
    refused({ destination: '   ', studyInstanceUid: '1.2' }, 'destination');
    refused({ destination: 'A', studyInstanceUid: '1.2', priority: 'HIGH' }, 'priority');
  });
});

describe('job JSON', () => {
  const base: JobView = {
    id: '7', kind: 'forward', target: 'send:x', state: 'queued', attempts: 1, maxAttempts: 3, lastError: 'down', nextRunAt: new Date(0), leaseOwner: null,
    lastAttemptAt: null, finishedAt: null, createdAt: new Date('2026-11-25T10:00:00Z'), updatedAt: new Date('2026-11-25T10:00:01Z'),
    payload: { destination: 'DEST', level: 'study', total: 5, instances: ['1', '2'] },
  };

  test('a forward job shows destination, level, total and what remains; done means nothing remains', () => {
    const json = jobJson(base);
    assert.deepEqual({ destination: json.destination, level: json.level, total: json.total, remaining: json.remaining }, { destination: 'DEST', level: 'study', total: 5, remaining: 2 });
    assert.equal(json.createdAt, '2026-11-25T10:00:00.000Z');
    assert.equal(json.finishedAt, null);
    assert.equal(jobJson({ ...base, state: 'done', finishedAt: new Date('2026-11-25T10:01:00Z') }).remaining, 0);
  });

  test('other kinds show no forward fields', () => {
    const json = jobJson({ ...base, kind: 'mirror', payload: { destination: 'x', instances: [] } });
    assert.equal('destination' in json, false);
    assert.equal('remaining' in json, false);
  });
});
