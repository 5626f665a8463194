import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SpareTempFiles, type TempFile } from './spare-temp-files';

/** An opener that hands out numbered files, records discards, and fails while told to. */
function fakeFiles(options: { max?: number; maxAgeMs?: number } = {}) {
  let clock = 0;
  let next = 0;
  const state = { opened: [] as string[], discarded: [] as string[], failing: false };
  const spares = new SpareTempFiles({
    open: async () => {
      await Promise.resolve();
      if (state.failing) throw new Error('ENOSPC');
      const id = `f${next++}`;
      state.opened.push(id);
      return { id, path: `/tmp/${id}.data`, fd: -1, openedAt: clock } satisfies TempFile;
    },
    discard: async (file) => {
      state.discarded.push(file.id);
    },
    max: options.max ?? 2,
    maxAgeMs: options.maxAgeMs ?? 1000,
    now: () => clock,
  });
  const settle = () => new Promise((resolve) => setImmediate(resolve));
  return { spares, state, settle, advance: (ms: number) => (clock += ms) };
}

describe('SpareTempFiles', () => {
  test('take() opens a file when no spare is held, then uses the spares refill() opened', async () => {
    const { spares, state, settle } = fakeFiles({ max: 2 });
    assert.equal((await spares.take()).id, 'f0');
    spares.refill();
    spares.refill();
    await settle();
    assert.deepEqual(state.opened, ['f0', 'f1', 'f2']);
    const taken = [(await spares.take()).id, (await spares.take()).id].sort();
    assert.deepEqual(taken, ['f1', 'f2']);
    assert.equal((await spares.take()).id, 'f3', 'spares used up: a new file');
  });

  test('refill() opens one file per call, up to the maximum counting the opens still under way', async () => {
    const { spares, state, settle } = fakeFiles({ max: 3 });
    spares.refill();
    assert.equal(state.opened.length, 0, 'the open is under way, not awaited');
    await settle();
    assert.equal(state.opened.length, 1, 'one per call');
    spares.refill();
    spares.refill();
    spares.refill(); // over the maximum: two held or opening already plus one
    await settle();
    assert.equal(state.opened.length, 3);
  });

  test('take() claims a refill still opening rather than open another; if that open fails, it opens its own', async () => {
    const { spares, state, settle } = fakeFiles({ max: 1 });
    spares.refill();
    assert.equal((await spares.take()).id, 'f0', 'the file of the open under way');
    assert.deepEqual(state.opened, ['f0']);
    spares.refill();
    spares.refill(); // the claimed open no longer counts: one spare opening, the maximum
    await settle();
    assert.deepEqual(state.opened, ['f0', 'f1']);
    await spares.take();
    state.failing = true;
    spares.refill();
    await assert.rejects(spares.take(), /ENOSPC/, 'the failure of its own open, reported');
    state.failing = false;
    spares.refill();
    const claimed = spares.take();
    await spares.close();
    assert.equal((await claimed).id, 'f2', 'close() leaves a claimed file to its put');
    assert.deepEqual(state.discarded, []);
  });

  test('a spare older than maxAgeMs is discarded and a new file opened', async () => {
    const { spares, state, settle, advance } = fakeFiles({ max: 1, maxAgeMs: 1000 });
    spares.refill();
    await settle();
    advance(1001);
    const file = await spares.take();
    assert.equal(file.id, 'f1');
    assert.deepEqual(state.discarded, ['f0']);
  });

  test('a failed refill is dropped; take() then reports the failure of its own open', async () => {
    const { spares, state, settle } = fakeFiles();
    state.failing = true;
    spares.refill();
    await settle();
    await assert.rejects(spares.take(), /ENOSPC/);
    state.failing = false;
    assert.equal((await spares.take()).id, 'f0');
  });

  test('holds() names the spares held now, not the files taken', async () => {
    const { spares, settle } = fakeFiles({ max: 1 });
    spares.refill();
    await settle();
    assert.equal(spares.holds('/tmp/f0.data'), true);
    await spares.take();
    assert.equal(spares.holds('/tmp/f0.data'), false);
  });

  test('close() discards the spares and those still opening; refill() does nothing afterwards', async () => {
    const { spares, state, settle } = fakeFiles({ max: 2 });
    spares.refill();
    spares.refill();
    await settle();
    const taken = (await spares.take()).id;
    spares.refill(); // one open under way
    await spares.close();
    assert.deepEqual(state.discarded.sort(), ['f0', 'f1', 'f2'].filter((id) => id !== taken));
    spares.refill();
    await settle();
    assert.equal(state.opened.length, 3);
  });
});
