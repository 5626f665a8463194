import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pino from 'pino';
import { openDatabase, TypeOrmIndexRepository, type DataSource, type IndexRepository, type UpsertInstanceInput } from '@pacs/persistence';
import { tempPglite } from '@pacs/persistence/testing';
import { batchSizeFor, InstanceIndexer } from './instance-indexer';

describe('InstanceIndexer.warmUp on PGlite', () => {
  const temp = tempPglite('pacs-indexer-warm-up-');
  let db: DataSource;
  before(async () => {
    db = await openDatabase(temp.options);
  });
  after(async () => {
    await db?.destroy();
    await temp.cleanup();
  });

  test('indexes synthetic instances in batches of the consumer size and alone, all rolled back', async () => {
    const real = new TypeOrmIndexRepository(db);
    const rehearsed: UpsertInstanceInput[][] = [];
    const repository: IndexRepository = Object.assign(Object.create(real) as IndexRepository, {
      rehearseUpserts: async (inputs: readonly UpsertInstanceInput[]) => {
        rehearsed.push([...inputs]);
        await real.rehearseUpserts(inputs);
      },
    });
    const inFlight = 8;
    const indexer = new InstanceIndexer(repository, () => Promise.reject(new Error('no storage in a warm-up')), { duplicatePolicy: 'keep-first', maxHeaderBytes: 1 << 20, inFlight }, pino({ level: 'silent' }));
    const result = await indexer.warmUp(30);
    assert.equal(result.instances, 30);
    assert.deepEqual(rehearsed.map((batch) => batch.length), [4, 4, 4, 1, 4, 4, 4, 1, 4], `batches of ${batchSizeFor(inFlight)}, every fourth alone`);
    assert.equal(new Set(rehearsed.flat().map((input) => input.records.instance.sopInstanceUid)).size, 30);
    assert.equal(rehearsed[0]?.[0]?.records.series.modality, 'CT', 'index records of the synthetic CT headers');
    assert.equal(await real.countInstances(), 0);
    assert.deepEqual(await db.query(`SELECT (SELECT count(*) FROM "patient")::int AS patients, (SELECT count(*) FROM "change_log")::int AS changes`), [{ patients: 0, changes: 0 }]);
    assert.equal((await indexer.warmUp(0)).instances, 0);
    assert.equal(rehearsed.length, 9, '0 skips');
  });
});
