import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { AdvisoryLeaderLock, openDatabase, TypeOrmIndexRepository, TypeOrmSettingsRepository, TypeOrmStoredObjectIndex } from '@pacs/persistence';
import { databaseOptions } from '@pacs/runtime';
import { FilesystemObjectStore } from '@pacs/storage';
import { ABANDONED_UPLOAD_AGE_MS, announcingFor, Reconciler, type ReconcilerDeps, RECONCILER_SETTINGS, ReconcilerLoop, regenJob, requestFullSweep } from '@pacs/service-archiver';
import type { GeneratedInstance } from '@pacs/testing';
import { indexerCaughtUp, makeStudies, newObjectKey, putObject, SETUPS, type Harness } from './harness';

// The reconciler sweep: objects stored but never announced (the listener died between put and
// publish) are found once they are older than the grace period and announced; younger ones are
// left to their announcement; a watermark keeps later sweeps to the objects written since.
// Time is the sweep's injected clock, set from the objects' own lastModified.
const GRACE_MS = 120_000;
const RECONCILER_OPTIONS = { graceMs: GRACE_MS, concurrency: 4, progressEvery: 1000, maxBacklog: 1000, batchSize: 2 };
const SHAPE = { patients: 1, studiesPerPatient: 1, seriesPerStudy: 1, instancesPerSeries: 3, size: 8 };

for (const setup of SETUPS) {
  describe(`reconciler: ${setup.name}`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'pacs-reconciler-data-'));
    const indexed = makeStudies(join(dir, 'indexed'), SHAPE);
    const orphans = makeStudies(join(dir, 'orphans'), { ...SHAPE, instancesPerSeries: 4 });
    let h: Harness;
    let now = new Date();
    let reconciler: Reconciler;
    let deps: () => ReconcilerDeps;
    const locations = (instance: GeneratedInstance) => new TypeOrmIndexRepository(h.db).findInstanceLocations(instance.sopInstanceUid);
    // As the sweep sees it: from the listing (the filesystem's head() may round the same mtime differently).
    const lastModified = async (key: string): Promise<Date> => {
      for await (const entry of h.store.list(key)) if (entry.key === key) return entry.lastModified;
      throw new Error(`${key} not listed`);
    };
    const sweep = async (full = false) => {
      const result = await reconciler.sweep({ full });
      await indexerCaughtUp(h);
      return result;
    };

    before(async () => {
      h = await setup.start();
      for (const instance of indexed) await putObject(h.store, instance);
      await regenJob(['--full']).run(h.ctx, new AbortController().signal);
      await indexerCaughtUp(h);
      const { announcer, backlog } = await announcingFor(h.ctx, 'reconciler');
      deps = () => ({ store: h.store, index: new TypeOrmStoredObjectIndex(h.db), settings: new TypeOrmSettingsRepository(h.db), announcer, backlog, logger: h.ctx.logger, now: () => now });
      reconciler = new Reconciler(deps(), RECONCILER_OPTIONS);
    });
    after(async () => {
      await h?.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    test('an unannounced object older than the grace period is announced and indexed; a younger one is left alone', async () => {
      const [older, younger] = orphans as [GeneratedInstance, GeneratedInstance];
      const olderKey = await putObject(h.store, older);
      const t = await lastModified(olderKey);
      // S3 dates objects to the second: store the younger one until its date is later.
      let youngerKey = await putObject(h.store, younger);
      while ((await lastModified(youngerKey)) <= t) {
        await h.store.delete(youngerKey);
        await new Promise((r) => setTimeout(r, 50));
        youngerKey = await putObject(h.store, younger);
      }
      now = new Date(t.getTime() + GRACE_MS + 1);

      const result = await sweep();
      assert.deepEqual(result, { full: false, deferred: false, scanned: 5, unindexed: 1, announced: 1, superseded: 0, incomplete: 0, failed: 0, abandonedUploads: 0 });
      assert.deepEqual((await locations(older)).map((l) => l.key), [olderKey]);
      assert.deepEqual(await locations(younger), [], 'younger than the grace period: not announced');
      assert.equal(await new TypeOrmSettingsRepository(h.db).get(RECONCILER_SETTINGS.watermark), new Date(t.getTime() + 1).toISOString());

      now = new Date((await lastModified(youngerKey)).getTime() + GRACE_MS + 1);
      const next = await sweep();
      assert.equal(next.announced, 1);
      assert.deepEqual((await locations(younger)).map((l) => l.key), [youngerKey]);
      assert.deepEqual(await sweep(), { ...next, unindexed: 0, announced: 0 }, 'a sweep over an intact index announces nothing');
    });

    test('an unreferenced copy of an indexed instance with another digest is left alone (no flip under "replace")', async () => {
      const original = indexed[0] as GeneratedInstance;
      const before = await locations(original);
      const changed = Buffer.from(readFileSync(original.path));
      changed[changed.length - 1] = (changed[changed.length - 1] as number) ^ 0xff;
      const key = await putObject(h.store, original, changed);
      now = new Date((await lastModified(key)).getTime() + GRACE_MS + 1);
      const result = await sweep();
      assert.equal(result.superseded, 1);
      assert.equal(result.announced, 0);
      assert.deepEqual(await locations(original), before);
      await h.store.delete(key);
    });

    test('temp files of puts that never finished are removed once nobody has written to them for an hour', async (t) => {
      if (!h.fsRoot) return t.skip('S3 keeps incomplete multipart uploads itself (bucket lifecycle rule)');
      const temp = (name: string) => join(h.fsRoot as string, '.tmp', name);
      writeFileSync(temp('killed-mid-put.data'), 'first bytes of an object');
      writeFileSync(temp('being-written.data'), 'a put still running');
      const abandonedAt = new Date(Date.now() - ABANDONED_UPLOAD_AGE_MS - 60_000);
      await utimes(temp('killed-mid-put.data'), abandonedAt, abandonedAt);
      // A tier with a filesystem store of its own (a mirror) is swept too.
      const tierRoot = join(dir, 'mirror');
      mkdirSync(join(tierRoot, '.tmp'), { recursive: true });
      const tier = new FilesystemObjectStore({ root: tierRoot });
      writeFileSync(join(tierRoot, '.tmp', 'killed-mid-copy.data'), 'first bytes of a copy');
      await utimes(join(tierRoot, '.tmp', 'killed-mid-copy.data'), abandonedAt, abandonedAt);
      const withTier = new Reconciler({ ...deps(), tierStores: async () => [tier] }, RECONCILER_OPTIONS);

      const result = await withTier.sweep();
      await indexerCaughtUp(h);
      assert.equal(result.abandonedUploads, 2);
      assert.equal(existsSync(temp('killed-mid-put.data')), false);
      assert.equal(existsSync(join(tierRoot, '.tmp', 'killed-mid-copy.data')), false);
      assert.equal(existsSync(temp('being-written.data')), true, 'a temp file written to recently belongs to a running put');
      rmSync(temp('being-written.data'));
      await tier.close();
    });

    test('an unindexed object that ends inside its data set (a put cut off midway) is reported incomplete, never announced', async () => {
      const instance = orphans[3] as GeneratedInstance;
      const whole = readFileSync(instance.path);
      // Cut inside the pixel data (the header reads fine, the digest pass finds the end) and inside the file meta.
      for (const sent of [whole.length - 20, 150]) {
        const key = newObjectKey(instance);
        await h.putIncomplete(key, whole, sent);
        const t = await lastModified(key);
        now = new Date(t.getTime() + GRACE_MS + 1);
        const result = await sweep();
        assert.deepEqual({ ...result, scanned: 0 }, { full: false, deferred: false, scanned: 0, unindexed: 1, announced: 0, superseded: 0, incomplete: 1, failed: 0, abandonedUploads: 0 }, `cut after ${sent} of ${whole.length} bytes`);
        assert.deepEqual(await locations(instance), [], 'not indexed');
        assert.equal(await new TypeOrmSettingsRepository(h.db).get(RECONCILER_SETTINGS.watermark), new Date(t.getTime() + 1).toISOString(), 'the sweep is complete: the watermark moves on');
        await h.store.delete(key);
      }
    });

    if (setup.name.startsWith('embedded')) {
      test('objects before the watermark are covered; a requested full sweep finds them', async () => {
        const old = orphans[2] as GeneratedInstance;
        const key = await putObject(h.store, old);
        const longAgo = new Date(now.getTime() - 365 * 24 * 3600_000);
        await utimes(join(h.fsRoot as string, key), longAgo, longAgo);
        const normal = await sweep();
        assert.equal(normal.full, false);
        assert.equal(normal.announced, 0);
        assert.deepEqual(await locations(old), []);

        await requestFullSweep(new TypeOrmSettingsRepository(h.db), now);
        const full = await sweep();
        assert.equal(full.full, true);
        assert.equal(full.announced, 1);
        assert.deepEqual((await locations(old)).map((l) => l.key), [key]);
        assert.equal((await sweep()).full, false, 'the request is done once');
      });
    }

    if (setup.name.startsWith('cluster')) {
      test('two archivers: the one holding the advisory lock sweeps, the other follows, until it stops', async () => {
        const other = await openDatabase(databaseOptions(h.ctx.config, 'second-archiver'), { migrate: false });
        const key = BigInt(Date.now()) * 1000n + BigInt(Math.floor(Math.random() * 1000));
        const seen: Record<'first' | 'second', string[]> = { first: [], second: [] };
        const first = new ReconcilerLoop(reconciler, new AdvisoryLeaderLock(h.db, key), 10, h.ctx.logger, (o) => void seen.first.push(o));
        const second = new ReconcilerLoop(reconciler, new AdvisoryLeaderLock(other, key), 10, h.ctx.logger, (o) => void seen.second.push(o));
        try {
          first.start();
          for (let i = 0; i < 500 && !seen.first.includes('swept'); i++) await new Promise((r) => setTimeout(r, 10));
          second.start();
          for (let i = 0; i < 500 && seen.second.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
          assert.ok(seen.first.includes('swept'), JSON.stringify(seen));
          assert.deepEqual([...new Set(seen.second)], ['follower']);
          await first.stop();
          const followed = seen.second.length;
          for (let i = 0; i < 500 && !seen.second.includes('swept'); i++) await new Promise((r) => setTimeout(r, 10));
          assert.ok(seen.second.slice(followed).includes('swept'), 'the follower takes over once the leader released the lock');
        } finally {
          await first.stop();
          await second.stop();
          await other.destroy();
        }
      });
    }
  });
}
