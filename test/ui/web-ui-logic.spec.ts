// The web UI's pure parts: DICOM value display (PS3.5 §6.2 DA, TM, PN), hash routes, the OHIF
// link, job progress, and the status page's samples and chart geometry.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { chartPath } from '../../apps/web-ui/src/chart-geometry';
import { formatBytes, formatDicomDate, formatDicomTime, formatDuration, formatPersonName, jobProgress, toDicomDate } from '../../apps/web-ui/src/format';
import { addSample, MAX_SAMPLES, type Sample, type Series } from '../../apps/web-ui/src/metrics';
import { ohifViewerUrl, parseRoute, routeHref } from '../../apps/web-ui/src/routing';
import { tierRows } from '../../apps/web-ui/src/tiers';

describe('web UI: DICOM values for display', () => {
  test('DA YYYYMMDD → YYYY-MM-DD; TM HHMMSS.FFFFFF → HH:MM:SS; other text as it is', () => {
    assert.equal(formatDicomDate('20260115'), '2026-01-15');
    assert.equal(formatDicomDate(null), '');
    assert.equal(formatDicomDate('2026'), '2026');
    assert.equal(formatDicomTime('101500.123'), '10:15:00');
    assert.equal(formatDicomTime('1015'), '10:15');
    assert.equal(toDicomDate('2026-01-15'), '20260115');
    assert.equal(toDicomDate(''), '');
  });

  test('PN family^given^middle^prefix^suffix → "Family, Prefix Given Middle Suffix"; ideographic group dropped', () => {
    assert.equal(formatPersonName('TEST^PATIENT1'), 'TEST, PATIENT1');
    assert.equal(formatPersonName('Doe^John^Q^Dr^Jr'), 'Doe, Dr John Q Jr');
    assert.equal(formatPersonName('Yamada^Tarou=山田^太郎=やまだ^たろう'), 'Yamada, Tarou');
    assert.equal(formatPersonName('^Anonymous'), 'Anonymous');
    assert.equal(formatPersonName(null), '');
  });

  test('bytes and durations', () => {
    assert.equal(formatBytes(512), '512 B');
    assert.equal(formatBytes(1536), '1.5 KiB');
    assert.equal(formatBytes(5 * 1024 ** 3), '5.0 GiB');
    assert.equal(formatBytes(undefined), '');
    assert.equal(formatDuration(42), '42s');
    assert.equal(formatDuration(3_725), '1h 2m');
    assert.equal(formatDuration(90_061), '1d 1h 1m');
  });

  test('job progress is (total - remaining) / total when both are known; done is complete', () => {
    assert.equal(jobProgress({ state: 'running', total: 4, remaining: 1 }), 0.75);
    assert.equal(jobProgress({ state: 'queued', total: null, remaining: null }), null);
    assert.equal(jobProgress({ state: 'running', total: 0, remaining: 0 }), null);
    assert.equal(jobProgress({ state: 'done' }), 1);
  });
});

describe('web UI: routes and links', () => {
  test('hash routes parse and format back; unknown routes are the study list', () => {
    const uid = '1.2.840.113619.2.55.3.604688119';
    assert.deepEqual(parseRoute(routeHref({ page: 'study', studyInstanceUid: uid })), { page: 'study', studyInstanceUid: uid });
    for (const page of ['studies', 'ae-map', 'status', 'jobs'] as const) assert.deepEqual(parseRoute(routeHref({ page })), { page });
    assert.deepEqual(parseRoute(''), { page: 'studies' });
    assert.deepEqual(parseRoute('#/nowhere'), { page: 'studies' });
  });

  test('the OHIF link opens the study in the viewer route', () => {
    assert.equal(ohifViewerUrl('https://viewer.example.org/ohif/', '1.2.3'), 'https://viewer.example.org/ohif/viewer?StudyInstanceUIDs=1.2.3');
  });
});

describe('web UI: status samples and charts', () => {
  const sample = (at: number, instances: number, indexerLag: number | null): Sample => ({ at, instances, indexerLag });

  test('throughput is the growth of the instance count between polls, never negative; lag as reported', () => {
    let series: Series = { throughput: [], lag: [] };
    series = addSample(series, null, sample(1_000, 10, 3));
    assert.deepEqual(series, { throughput: [], lag: [{ at: 1_000, value: 3 }] });
    series = addSample(series, sample(1_000, 10, 3), sample(4_000, 25, null));
    series = addSample(series, sample(4_000, 25, null), sample(7_000, 20, 0));
    assert.deepEqual(series.throughput, [{ at: 4_000, value: 15 }, { at: 7_000, value: 0 }]);
    assert.deepEqual(series.lag, [{ at: 1_000, value: 3 }, { at: 7_000, value: 0 }]);
  });

  test('only the last MAX_SAMPLES samples are kept', () => {
    let series: Series = { throughput: [], lag: [] };
    let previous: Sample | null = null;
    for (let i = 0; i < MAX_SAMPLES + 10; i++) {
      const next = sample(i * 1_000, i, i);
      series = addSample(series, previous, next);
      previous = next;
    }
    assert.equal(series.lag.length, MAX_SAMPLES);
    assert.equal(series.throughput.length, MAX_SAMPLES);
    assert.equal(series.lag[0]!.value, 10);
  });

  test('chart path: first sample at the left edge, last at the right, the maximum at the top', () => {
    assert.deepEqual(chartPath([]), { path: '', max: 1 });
    const { path, max } = chartPath([{ at: 0, value: 0 }, { at: 10, value: 5 }], 140, 120);
    assert.equal(max, 5);
    // width 140 - pad 40 left and 8 right; height 120 - pad 10 top and 20 bottom.
    assert.equal(path, 'M40.0,100.0 L132.0,10.0');
  });
});

describe('web UI: storage tiers on the status page', () => {
  test('the ingest tier on the default store is listed though storage.tiers does not name it; usage joins by name', () => {
    const rows = tierRows({ ingestTier: 'primary', defaultStore: 'filesystem', tiers: [{ name: 'mirror', role: 'mirror', driver: 's3', cleanupThresholdBytes: 1024 }] }, [
      { tier: 'primary', objects: 4, bytes: 4096 },
      { tier: 'old', objects: 1, bytes: 10 },
    ]);
    assert.deepEqual(rows, [
      { name: 'primary', role: 'primary (ingest)', store: 'filesystem', cleanupThresholdBytes: undefined, objects: 4, bytes: 4096 },
      { name: 'mirror', role: 'mirror', store: 's3', cleanupThresholdBytes: 1024, objects: 0, bytes: 0 },
      { name: 'old', role: 'not configured', store: '', cleanupThresholdBytes: undefined, objects: 1, bytes: 10 },
    ]);
  });

  test('before the usage is known the counts stay unknown, not 0', () => {
    const [row] = tierRows({ ingestTier: 'primary', tiers: [] }, undefined);
    assert.deepEqual(row, { name: 'primary', role: 'primary (ingest)', store: 'default', cleanupThresholdBytes: undefined, objects: undefined, bytes: undefined });
  });
});
