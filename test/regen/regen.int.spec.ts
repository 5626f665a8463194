import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { TypeOrmIndexRepository } from '@pacs/persistence';
import { regenJob, type RegenResult } from '@pacs/service-archiver';
import type { GeneratedInstance } from '@pacs/testing';
import { dumpIndex, indexerCaughtUp, makeStudies, putObject, SETUPS, type Harness } from './harness';

// Conquest's "regen": storage is the system of record, so the index rebuilt from it is the
// index it had. Objects are put into storage as Part 10 files (as the listener stores them)
// and only announced by regen; the real indexer does the rest.
const SHAPE = { patients: 2, studiesPerPatient: 1, seriesPerStudy: 2, instancesPerSeries: 3, size: 16 };

for (const setup of SETUPS) {
  describe(`regen: ${setup.name}`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'pacs-regen-data-'));
    const instances: GeneratedInstance[] = makeStudies(dir, SHAPE);
    const study = instances[0]?.studyInstanceUid as string;
    let h: Harness;
    const regen = async (...argv: string[]): Promise<RegenResult> => {
      const result = await regenJob(argv).run(h.ctx, new AbortController().signal);
      await indexerCaughtUp(h);
      return result;
    };

    before(async () => {
      h = await setup.start();
      for (const [i, instance] of instances.entries()) await putObject(h.store, instance, undefined, i === 0 ? 'fast' : 'primary');
    });
    after(async () => {
      await h?.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    test('--full: every stored object indexed, with its key, digest, size and tier', async () => {
      assert.equal(await new TypeOrmIndexRepository(h.db).countInstances(), 0);
      const result = await regen('--full');
      assert.deepEqual(result, { scanned: 12, announced: 12, skipped: 0, failed: 0 });
      const index = await dumpIndex(h.db);
      assert.equal(index['patient']?.length, 2);
      assert.equal(index['study']?.length, 2);
      assert.equal(index['series']?.length, 4);
      assert.equal(index['instance']?.length, 12);
      const locations = index['object_location'] as { storage_key: string; digest: string; size: number | string; tier: string; instance: string }[];
      assert.equal(locations.length, 12);
      for await (const entry of h.store.list('')) {
        const location = locations.find((l) => l.storage_key === entry.key);
        const head = await h.store.head(entry.key);
        assert.ok(location && head, entry.key);
        // The store may not know the digest (the listener lets the index keep it): regen hashed the bytes.
        const bytes = Buffer.concat(await (await h.store.get(entry.key)).toArray());
        assert.equal(location.digest, createHash('sha256').update(bytes).digest('hex'));
        assert.ok(head.sha256 === null || head.sha256 === location.digest);
        assert.equal(Number(location.size), head.size);
      }
      assert.equal(locations.find((l) => l.instance === instances[0]?.sopInstanceUid)?.tier, 'fast', 'the tier stored with the object');
      const studies = index['study'] as { study_instance_uid: string; number_of_instances: number }[];
      assert.deepEqual(studies.map((s) => s.number_of_instances), [6, 6]);
    });

    test('running regen again changes nothing, not even a timestamp', async () => {
      const before = await dumpIndex(h.db, true);
      assert.deepEqual(await regen('--full'), { scanned: 12, announced: 12, skipped: 0, failed: 0 });
      assert.deepEqual(await dumpIndex(h.db, true), before);
    });

    test('--study: a study whose index rows were deleted is rebuilt identical, listing only its key prefix', async () => {
      const before = await dumpIndex(h.db);
      const deleted = await new TypeOrmIndexRepository(h.db).deleteStudy(study);
      assert.equal(deleted.instances, 6);
      assert.notDeepEqual(await dumpIndex(h.db), before);
      assert.deepEqual(await regen('--study', study), { scanned: 6, announced: 6, skipped: 0, failed: 0 });
      assert.deepEqual(await dumpIndex(h.db), before);
      // Each rebuilt row's values came from one of the study's instances, received when stored.
      const [holders] = (await h.db.query(
        `SELECT bool_and(s.attributes_received_at IN (SELECT i.received_at FROM instance i JOIN series x ON x.id = i.series_fk WHERE x.study_fk = s.id))
            AND bool_and(e.attributes_received_at IN (SELECT i.received_at FROM instance i WHERE i.series_fk = e.id)) AS ok
           FROM study s JOIN series e ON e.study_fk = s.id WHERE s.study_instance_uid = $1`,
        [study],
      )) as { ok: boolean }[];
      assert.equal(holders?.ok, true, 'study and series rows carry the receive time of one of their instances');
    });

    test('an object that is not DICOM is counted as failed (exit status 1) and the rest is announced', async () => {
      await h.store.put('junk/not-dicom.bin', Readable.from([Buffer.from('not a DICOM file')]));
      const job = regenJob(['--full']);
      const result = await job.run(h.ctx, new AbortController().signal);
      await indexerCaughtUp(h);
      assert.deepEqual(result, { scanned: 13, announced: 12, skipped: 0, failed: 1 });
      assert.equal(job.exitCode?.(result), 1);
      await h.store.delete('junk/not-dicom.bin');
    });

    test('a stop request (SIGTERM) ends the listing early', async () => {
      const abort = new AbortController();
      abort.abort();
      const result = await regenJob(['--full']).run(h.ctx, abort.signal);
      assert.equal(result.announced, 0);
    });
  });
}
