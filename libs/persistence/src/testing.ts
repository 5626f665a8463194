// Test-only entry (@pacs/persistence/testing): throw-away databases (a fresh PostgreSQL schema or PGlite directory).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type DatabaseOptions } from './data-source';

/** The PostgreSQL server the integration tests use (CI and every machine of this project run one). */
export const TEST_PG_URL = process.env['PACS_TEST_PG_URL'] ?? 'postgres://root@127.0.0.1:5432/test';

export interface TempDatabase {
  options: DatabaseOptions;
  cleanup: () => Promise<void>;
}

/** A fresh schema on the test PostgreSQL server, dropped by cleanup(). */
export function tempPostgresSchema(poolSize = 2): TempDatabase {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const options: DatabaseOptions = { driver: 'postgres', url: TEST_PG_URL, schema, poolSize, statementTimeoutMs: 10_000 };
  return {
    options,
    cleanup: async () => {
      const db = await openDatabase(options, { migrate: false });
      await db.query(`DROP SCHEMA "${schema}" CASCADE`);
      await db.destroy();
    },
  };
}

/** A fresh PGlite data directory, removed by cleanup(). */
export function tempPglite(prefix = 'pacs-pglite-'): TempDatabase {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return {
    options: { driver: 'pglite', dataDir: dir, schema: 'public' },
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
}
