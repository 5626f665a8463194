import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ArtimTimer, ManualClock } from './artim';

test('ARTIM fires once after its timeout on the injected clock', () => {
  const clock = new ManualClock();
  let fired = 0;
  const artim = new ArtimTimer(1000, () => fired++, clock);
  artim.start();
  assert.equal(artim.running, true);
  clock.advance(999);
  assert.equal(fired, 0);
  clock.advance(1);
  assert.equal(fired, 1);
  assert.equal(artim.running, false);
  clock.advance(5000);
  assert.equal(fired, 1);
});

test('stop cancels; start restarts from zero', () => {
  const clock = new ManualClock();
  let fired = 0;
  const artim = new ArtimTimer(1000, () => fired++, clock);
  artim.start();
  clock.advance(600);
  artim.start();
  clock.advance(600);
  assert.equal(fired, 0, 'restart moved the deadline');
  artim.stop();
  clock.advance(10_000);
  assert.equal(fired, 0);
  assert.equal(clock.pending, 0);
});
