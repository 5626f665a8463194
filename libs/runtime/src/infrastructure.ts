import { InProcessBus, NatsBus, type Bus } from '@pacs/messaging';
import { AeMapRepository, openDatabase, pingDatabase, type DataSource, type DatabaseOptions } from '@pacs/persistence';
import type { HealthRegistry, Logger, PacsConfig, Shutdown } from '@pacs/platform';
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { FilesystemObjectStore, S3ObjectStore, type ObjectStore } from '@pacs/storage';
import { AeMapSource, aeMapSubjects, busAeMapLoader, databaseAeMapLoader, seedConfiguredAeMap } from './ae-map-source';

/** Maps the configuration onto the persistence adapter's connection settings. */
export function databaseOptions(config: PacsConfig, service: string): DatabaseOptions {
  const { database } = config;
  return database.driver === 'postgres'
    ? { driver: 'postgres', url: database.url as string, schema: database.schema, poolSize: database.poolSize, statementTimeoutMs: database.statementTimeoutMs, applicationName: `pacs-${service}` }
    : { driver: 'pglite', dataDir: database.dataDir, schema: database.schema, nice: database.pgliteNice };
}

/**
 * The three shared parts (database, bus, object store), opened on first use from the
 * configuration and shared by every service of the process. Opening one registers its
 * readiness check and its place in the shutdown order. In embedded mode all services share
 * one PGlite, one in-process bus and one filesystem store; in cluster mode each process
 * opens only what it uses (the listener never opens the database).
 */
export class Infrastructure {
  private db: Promise<DataSource> | undefined;
  private busInstance: Promise<Bus> | undefined;
  private store: Promise<ObjectStore> | undefined;
  private readonly tierStores = new Map<string, Promise<ObjectStore>>();
  private aeMapSource: Promise<AeMapSource> | undefined;

  constructor(
    private readonly config: PacsConfig,
    private readonly logger: Logger,
    private readonly health: HealthRegistry,
    private readonly shutdown: Shutdown,
    private readonly service: string,
  ) {}

  database(): Promise<DataSource> {
    this.db ??= (async () => {
      const { database } = this.config;
      if (database.driver === 'pglite') await mkdir(database.dataDir, { recursive: true });
      const db = await openDatabase(databaseOptions(this.config, this.service), {
        onNiceError: (error) => this.logger.warn({ pgliteNice: database.pgliteNice, error }, 'the PGlite thread keeps the process priority: database.pgliteNice could not be applied'),
      });
      this.logger.info({ driver: database.driver, schema: database.schema }, 'database open, migrations applied');
      this.health.addReadinessCheck('database', () => pingDatabase(db));
      this.shutdown.onShutdown('database', () => db.destroy());
      return db;
    })();
    return this.db;
  }

  bus(): Promise<Bus> {
    this.busInstance ??= (async () => {
      const { bus } = this.config;
      const log = this.logger.child({ component: 'bus' });
      const instance: Bus =
        bus.driver === 'nats'
          ? await NatsBus.connect({
              servers: bus.servers,
              name: `pacs-${this.service}`,
              connectTimeoutMs: bus.connectTimeoutMs,
              ...(bus.user ? { user: bus.user } : {}),
              ...(bus.password ? { pass: bus.password } : {}),
              ...(bus.token ? { token: bus.token } : {}),
              logger: log,
            })
          : new InProcessBus({ logger: log });
      this.logger.info({ driver: bus.driver }, 'bus connected');
      this.health.addReadinessCheck('bus', () => instance.ping());
      this.shutdown.onShutdown('bus', () => instance.close());
      return instance;
    })();
    return this.busInstance;
  }

  objectStore(): Promise<ObjectStore> {
    this.store ??= (async () => {
      const { storage } = this.config;
      const log = this.logger.child({ component: 'storage' });
      // Embedded mode owns its data directory; in cluster mode a missing root is a missing
      // volume, and must show as unavailable rather than be created empty.
      if (storage.driver === 'filesystem' && this.config.mode === 'embedded') await mkdir(storage.filesystem.root, { recursive: true });
      const instance: ObjectStore =
        storage.driver === 's3'
          ? new S3ObjectStore({ ...storage.s3, logger: log })
          : new FilesystemObjectStore({ root: storage.filesystem.root, logger: log });
      await instance.ping();
      this.logger.info({ store: instance.describe() }, 'object store ready');
      this.shutdown.onShutdown('storage', () => instance.close());
      this.health.addReadinessCheck('storage', () => instance.ping());
      return instance;
    })();
    return this.store;
  }

  /**
   * The live AE map of this process (one per process, shared by its services). A process that
   * opened the database seeds the configured entries and reads the table; one without it (the
   * listener) asks admin-api over the bus. Reloaded on every change notice from admin-api and
   * every aeMapReloadMs.
   */
  aeMap(): Promise<AeMapSource> {
    this.aeMapSource ??= (async () => {
      const bus = await this.bus();
      const subjects = aeMapSubjects(this.config.bus.streamPrefix);
      const db = this.db;
      const repository = db ? new AeMapRepository(await db) : undefined;
      if (repository) await seedConfiguredAeMap(repository, this.config.aeMap);
      const loader = repository ? databaseAeMapLoader(repository) : busAeMapLoader(bus, subjects);
      const source = new AeMapSource(loader, {
        initial: this.config.aeMap,
        reloadMs: this.config.aeMapReloadMs,
        logger: this.logger.child({ component: 'ae-map' }),
      });
      await source.start(bus, subjects);
      this.shutdown.onShutdown('AE map', () => source.stop());
      return source;
    })();
    return this.aeMapSource;
  }

  /**
   * The object store holding a storage tier: its own (storage.tiers[].driver) or, for a tier
   * without one and for any tier not listed, the default store above.
   */
  tierStore(tier: string): Promise<ObjectStore> {
    const declared = this.config.storage.tiers.find((t) => t.name === tier);
    if (!declared?.driver) return this.objectStore();
    let opened = this.tierStores.get(tier);
    if (!opened) {
      opened = (async () => {
        const log = this.logger.child({ component: 'storage', tier });
        const instance: ObjectStore =
          declared.driver === 's3'
            ? new S3ObjectStore({ ...(declared.s3 ?? this.config.storage.s3), logger: log })
            : new FilesystemObjectStore({ root: resolve(declared.filesystem?.root ?? ''), logger: log });
        // A tier's store may be down for a while (nearline on a remote site): not a readiness
        // matter, its jobs retry; the first use fails if it is unreachable now.
        await instance.ping();
        this.logger.info({ tier, store: instance.describe() }, 'tier store ready');
        this.shutdown.onShutdown(`tier store ${tier}`, () => instance.close());
        return instance;
      })();
      // A failed open is not cached: the next use tries again.
      opened.catch(() => this.tierStores.delete(tier));
      this.tierStores.set(tier, opened);
    }
    return opened;
  }
}
