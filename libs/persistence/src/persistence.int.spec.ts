import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, test } from 'node:test';
import { openDatabase, pendingSchemaChanges, pingDatabase, TypeOrmSettingsRepository, type DatabaseOptions } from './index';
import { TEST_PG_URL, tempPglite, tempPostgresSchema } from './testing';


// The same suite runs against the real PostgreSQL server (cluster mode) and PGlite (embedded
// mode): one set of migrations must give the same behaviour on both.
function persistenceSuite(name: string, makeOptions: () => { options: DatabaseOptions; cleanup: () => Promise<void> }) {
  describe(`persistence on ${name}`, () => {
    const { options, cleanup } = makeOptions();
    after(cleanup);

    test('migrations apply, and re-opening applies nothing twice', async () => {
      const db = await openDatabase(options);
      const applied = await db.query(`SELECT name FROM pacs_migrations ORDER BY id`);
      assert.deepEqual(applied.map((r: { name: string }) => r.name), db.migrations.map((m) => m.name));
      await db.destroy();
      const again = await openDatabase(options);
      const count = await again.query(`SELECT count(*)::int AS n FROM pacs_migrations`);
      assert.equal(count[0].n, again.migrations.length);
      await pingDatabase(again);
      await again.destroy();
    });

    test('entities match the migrations (no schema drift)', async () => {
      const db = await openDatabase(options);
      try {
        assert.deepEqual(await pendingSchemaChanges(db), []);
      } finally {
        await db.destroy();
      }
    });

    test('settings repository: set, overwrite, setIfAbsent keeps the first value', async () => {
      const db = await openDatabase(options);
      try {
        const repo = new TypeOrmSettingsRepository(db);
        assert.equal(await repo.get('missing'), undefined);
        await repo.set('installation', { id: 'a', n: 1 });
        await repo.set('installation', { id: 'b', n: 2 });
        assert.deepEqual(await repo.get('installation'), { id: 'b', n: 2 });
        assert.equal(await repo.setIfAbsent('first', 'x'), 'x');
        assert.equal(await repo.setIfAbsent('first', 'y'), 'x');
      } finally {
        await db.destroy();
      }
    });
  });
}

persistenceSuite('PostgreSQL', () => tempPostgresSchema(2));

persistenceSuite('PGlite', () => tempPglite('pacs-pglite-'));

test('PostgreSQL: replicas starting at once on an empty schema migrate once, none fails', async () => {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const options: DatabaseOptions = { driver: 'postgres', url: TEST_PG_URL, schema, poolSize: 2, statementTimeoutMs: 10_000 };
  const replicas = await Promise.all(Array.from({ length: 4 }, () => openDatabase(options)));
  try {
    const [row] = await replicas[0]!.query(`SELECT count(*)::int AS n FROM pacs_migrations`);
    assert.equal(row.n, replicas[0]!.migrations.length);
  } finally {
    await replicas[0]!.query(`DROP SCHEMA "${schema}" CASCADE`);
    await Promise.all(replicas.map((db) => db.destroy()));
  }
});
