import { DataSource, MigrationExecutor, type DataSourceOptions, type QueryRunner } from 'typeorm';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';
import { ensurePgliteCluster } from './pglite-cluster';
import { PgliteThread, typeOrmDriverFor } from './pglite-thread';
import { markSingleConnection } from './sql-transaction';

/** Connection settings; the app maps its configuration onto these. */
export type DatabaseOptions =
  | { driver: 'postgres'; url: string; schema: string; poolSize: number; statementTimeoutMs: number; applicationName?: string }
  | { driver: 'pglite'; dataDir: string; schema: string; nice?: number };

export interface OpenDatabaseOptions {
  migrate?: boolean;
  /** Told when the PGlite thread could not lower its priority as asked (it then runs at the process's). */
  onNiceError?: (message: string) => void;
}

/**
 * The one TypeORM data source definition (Postgres in cluster mode, PGlite in embedded mode,
 * the same entities and the same SQL migrations). Schema changes only ever come from
 * migrations: `synchronize` is off, always.
 */
export function createDataSource(options: DatabaseOptions, pglite?: PgliteThread): DataSource {
  const common = {
    type: 'postgres',
    schema: options.schema,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'pacs_migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    migrationsRun: false,
    logging: false,
  } as const;
  if (options.driver === 'pglite') {
    if (!pglite) throw new Error('a PGlite data source needs its PgliteThread (openDatabase starts it)');
    const dataSource = new DataSource({ ...common, driver: typeOrmDriverFor(pglite) } as DataSourceOptions);
    markSingleConnection(dataSource, pglite);
    return dataSource;
  }
  return new DataSource({
    ...common,
    url: options.url,
    poolSize: options.poolSize,
    applicationName: options.applicationName ?? 'pacs',
    extra: {
      // Unqualified names in the migrations resolve to the configured schema.
      options: `-c search_path=${options.schema} -c statement_timeout=${options.statementTimeoutMs}`,
      connectionTimeoutMillis: 10_000,
    },
  });
}

/** Connects, creates the schema if needed and applies pending migrations. */
export async function openDatabase(options: DatabaseOptions, { migrate = true, onNiceError }: OpenDatabaseOptions = {}): Promise<DataSource> {
  let pglite: PgliteThread | undefined;
  if (options.driver === 'pglite') {
    await ensurePgliteCluster(options.dataDir);
    pglite = await PgliteThread.start(options.dataDir, { nice: options.nice });
    if (pglite.niceError !== undefined) onNiceError?.(pglite.niceError);
  }
  const dataSource = createDataSource(options, pglite);
  try {
    await dataSource.initialize();
  } catch (err) {
    await pglite?.close();
    throw err;
  }
  try {
    if (options.driver === 'pglite') {
      await dataSource.query(`CREATE SCHEMA IF NOT EXISTS "${options.schema}"`);
      await dataSource.query(`SET search_path TO "${options.schema}"`);
      if (migrate) await dataSource.runMigrations({ transaction: 'each' });
    } else {
      await withMigrationLock(dataSource, async (runner) => {
        await runner.query(`CREATE SCHEMA IF NOT EXISTS "${options.schema}"`);
        if (!migrate) return;
        // On the lock's own connection: a pool of one must not wait for a second connection.
        const executor = new MigrationExecutor(dataSource, runner);
        executor.transaction = 'each';
        await executor.executePendingMigrations();
      });
    }
  } catch (err) {
    await dataSource.destroy().catch(() => undefined);
    throw err;
  }
  return dataSource;
}

/** Arbitrary, fixed key of the session advisory lock that serialises schema set-up. */
const MIGRATION_LOCK_KEY = 7_346_310_001;

/**
 * Several replicas may start at once on an empty database: one runs the migrations while the
 * others wait on a session advisory lock, then find nothing pending. (CREATE SCHEMA IF NOT
 * EXISTS and the migrations table are not safe to race.)
 */
async function withMigrationLock(dataSource: DataSource, work: (runner: QueryRunner) => Promise<void>): Promise<void> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      await work(runner);
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await runner.release();
  }
}

/** Readiness check: one round trip to the database. */
export async function pingDatabase(dataSource: DataSource): Promise<void> {
  await dataSource.query('SELECT 1');
}

/**
 * SQL that the entities would need on top of the migrations: empty when migrations and
 * entities agree (checked in tests, as a schema-drift guard).
 */
export async function pendingSchemaChanges(dataSource: DataSource): Promise<string[]> {
  const sql = await dataSource.driver.createSchemaBuilder().log();
  return sql.upQueries.map((q) => q.query);
}
