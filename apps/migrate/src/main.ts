import { ConfigError, createLogger, loadConfig } from '@pacs/platform';
import { openDatabase } from '@pacs/persistence';
import { EXIT_CONFIG, databaseOptions } from '@pacs/runtime';

// Applies pending database migrations once and exits: the Helm pre-install/pre-upgrade Job,
// so that several service replicas never race to migrate at start.
async function migrate(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.log, 'migrate');
  const db = await openDatabase(databaseOptions(config, 'migrate'));
  const applied = (await db.query(`SELECT name FROM pacs_migrations ORDER BY id`)) as { name: string }[];
  logger.info({ migrations: applied.map((m) => m.name) }, 'database schema up to date');
  await db.destroy();
}

migrate().catch((err: unknown) => {
  console.error(err instanceof ConfigError ? err.message : `migrate: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(err instanceof ConfigError ? EXIT_CONFIG : 1);
});
