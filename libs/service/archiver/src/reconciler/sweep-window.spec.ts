import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { nextWatermark, positionInWindow, sweepWindow } from './sweep-window';

const at = (iso: string) => new Date(iso);
const GRACE = 2 * 60_000;

describe('reconciler sweep window', () => {
  const now = at('2026-01-10T12:00:00Z');

  test('first sweep (no watermark) and full sweeps: everything older than the grace period', () => {
    for (const w of [sweepWindow(now, GRACE, undefined, false), sweepWindow(now, GRACE, at('2026-01-10T11:55:00Z'), true)]) {
      assert.deepEqual(w, { from: undefined, until: at('2026-01-10T11:58:00Z') });
      assert.equal(positionInWindow(w, at('2020-01-01T00:00:00Z')), 'candidate');
    }
  });

  test('later sweeps: from watermark minus grace to now minus grace; younger objects are left alone', () => {
    const w = sweepWindow(now, GRACE, at('2026-01-10T11:53:00Z'), false);
    assert.deepEqual(w, { from: at('2026-01-10T11:51:00Z'), until: at('2026-01-10T11:58:00Z') });
    assert.equal(positionInWindow(w, at('2026-01-10T11:50:59Z')), 'covered');
    assert.equal(positionInWindow(w, at('2026-01-10T11:51:00Z')), 'candidate');
    assert.equal(positionInWindow(w, at('2026-01-10T11:57:59Z')), 'candidate');
    assert.equal(positionInWindow(w, at('2026-01-10T11:58:00Z')), 'young');
    assert.equal(positionInWindow(w, at('2026-01-10T11:59:30Z')), 'young');
  });

  test('a watermark ahead of the clock (clock stepped back) neither skips objects nor moves back', () => {
    const watermark = at('2026-01-10T13:00:00Z');
    const w = sweepWindow(now, GRACE, watermark, false);
    assert.deepEqual(w.from, at('2026-01-10T11:56:00Z'));
    assert.deepEqual(nextWatermark(watermark, w), watermark);
    assert.deepEqual(nextWatermark(at('2026-01-10T11:00:00Z'), w), w.until);
    assert.deepEqual(nextWatermark(undefined, w), w.until);
  });
});
