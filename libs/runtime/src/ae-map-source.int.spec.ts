// The AE map in the database and its live source (issue 6), on PostgreSQL and PGlite, over the
// in-process bus and real NATS: seeding (configuration wins for its titles, API entries kept,
// first-match order), edits reaching every running source through the change notice, and the
// listener's way in (asking admin-api over the bus) falling back to the configured entries.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, test } from 'node:test';
import type { AeMapEntry } from '@pacs/domain';
import { InProcessBus, NatsBus } from '@pacs/messaging';
import { AeMapRepository, AeTitleTakenError, openDatabase, type DataSource } from '@pacs/persistence';
import { createLogger } from '@pacs/platform';
import { tempPglite, tempPostgresSchema, type TempDatabase } from '@pacs/testing';
import { AeMapSource, aeMapSubjects, announceAeMapChanged, busAeMapLoader, databaseAeMapLoader, serveAeMap } from './ae-map-source';

const logger = createLogger({ level: 'silent' }, 'ae-map-test');
const entry = (aeTitle: string, more: Partial<AeMapEntry> = {}): AeMapEntry => ({ aeTitle, host: '', port: 104, tls: false, store: true, query: true, retrieve: true, ...more });

function suite(name: string, make: () => TempDatabase) {
  describe(`AE map table on ${name}`, () => {
    const temp = make();
    let db: DataSource | undefined;
    const open = async (): Promise<DataSource> => (db ??= await openDatabase(temp.options));
    after(async () => {
      await db?.destroy();
      await temp.cleanup();
    });

    test('seeding: configured entries first in configuration order, the configuration wins for its titles, API entries are kept', async () => {
      const repo = new AeMapRepository(await open());
      await repo.seedFromConfig([entry('CT*', { retrieve: false }), entry('DEST', { host: 'a', port: 1 })]);
      const api = await repo.add(entry('VIEWER', { host: 'v', port: 11112, description: 'reading room' }));
      assert.equal(api.source, 'api');
      await assert.rejects(repo.add(entry('VIEWER')), AeTitleTakenError);
      // An operator edits DEST; the next start's seeding puts the configured values back.
      const dest = (await repo.list()).find((e) => e.aeTitle === 'DEST')!;
      await repo.update(dest.id, { ...dest, host: 'edited' });
      assert.equal((await repo.get(dest.id))?.host, 'edited');
      await repo.seedFromConfig([entry('DEST', { host: 'b', port: 2 }), entry('MR?')]);
      const list = await repo.list();
      assert.deepEqual(list.map((e) => [e.aeTitle, e.source, e.host]), [['DEST', 'config', 'b'], ['MR?', 'config', ''], ['VIEWER', 'api', 'v']]);
      assert.equal(list[2]?.description, 'reading room');
      const removed = await repo.remove(list[2]!.id);
      assert.equal(removed?.aeTitle, 'VIEWER');
      assert.equal(await repo.remove(list[2]!.id), undefined);
      assert.equal(await repo.get('not-a-number'), undefined);
    });

    test('live source over the in-process bus: an edit announced is in current() of the running source', async () => {
      const repo = new AeMapRepository(await open());
      const bus = new InProcessBus({});
      const subjects = aeMapSubjects(`T${randomBytes(3).toString('hex').toUpperCase()}`);
      const source = new AeMapSource(databaseAeMapLoader(repo), { initial: [], reloadMs: 3_600_000, logger });
      await source.start(bus, subjects);
      try {
        assert.equal(source.current().destination('LIVE'), undefined);
        await repo.add(entry('LIVE', { host: '127.0.0.1', port: 4242 }));
        await announceAeMapChanged(bus, subjects, logger);
        assert.equal(source.current().destination('LIVE')?.port, 4242);
      } finally {
        await source.stop();
        await bus.close();
      }
    });
  });
}

suite('PostgreSQL', () => tempPostgresSchema());
suite('PGlite', () => tempPglite());

describe('AE map over NATS (a listener without the database)', () => {
  const temp = tempPostgresSchema();
  after(() => temp.cleanup());

  test('every listener hears the change notice; with nobody serving the table the configured entries hold', async () => {
    const db = await openDatabase(temp.options);
    const buses = await Promise.all([0, 1, 2].map((i) => NatsBus.connect({ servers: 'nats://127.0.0.1:4222', name: `ae-map-test-${i}` })));
    const [adminBus, listenerA, listenerB] = buses as [NatsBus, NatsBus, NatsBus];
    const subjects = aeMapSubjects(`T${randomBytes(4).toString('hex').toUpperCase()}`);
    const configured = [entry('MODALITY')];
    const sources = [listenerA, listenerB].map((bus) => ({ bus, source: new AeMapSource(busAeMapLoader(bus, subjects, 2_000), { initial: configured, reloadMs: 3_600_000, logger }) }));
    try {
      const repo = new AeMapRepository(db);
      await repo.seedFromConfig(configured);
      for (const { bus, source } of sources) await source.start(bus, subjects);
      // No admin-api yet: the configured entries.
      for (const { source } of sources) {
        assert.equal(source.fromTable, false);
        assert.ok(source.current().lookup('MODALITY'));
      }
      const server = await serveAeMap(adminBus, subjects, repo);
      await repo.add(entry('DEST', { host: '127.0.0.1', port: 5555 }));
      await announceAeMapChanged(adminBus, subjects, logger);
      // The notice reached one member of every queue group, and each reloads on its own: wait for both.
      for (const { source } of sources) {
        const deadline = Date.now() + 10_000;
        while (!source.current().destination('DEST') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
        assert.equal(source.current().destination('DEST')?.port, 5555);
        assert.equal(source.fromTable, true);
      }
      await server.stop();
    } finally {
      for (const { source } of sources) await source.stop();
      for (const bus of buses) await bus.close();
      await db.destroy();
    }
  });
});
