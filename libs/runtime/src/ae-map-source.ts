// The live AE map (Conquest's acrnema.map, issue 6): the table ae_map_entry, seeded from the
// configuration and edited through the admin API, reaching every process without a restart.
//
// The listener never opens the database (ARCHITECTURE.md), so a process without it asks for the
// map over the bus (`<prefix>.config.ae-map.get`, answered by admin-api from the table); a
// process with the database reads the table itself. After every edit admin-api sends
// `<prefix>.config.ae-map.changed`: each process serves that subject in a queue group of its
// own, and core NATS delivers a message to one member of every queue group, so every process
// hears it and reloads. A periodic reload is the safety net for a notice that got lost. Until
// the first load succeeds (admin-api not up yet), the configured entries are the map, and a
// failed reload keeps the last good one.
import { randomBytes } from 'node:crypto';
import { AeMap, type AeMapEntry } from '@pacs/domain';
import { BusNoRespondersError, BusTimeoutError, type Bus, type Server } from '@pacs/messaging';
import { AeMapRepository } from '@pacs/persistence';
import type { Logger } from '@pacs/platform';

export interface AeMapSubjects {
  get: string;
  changed: string;
}

/** Subjects of the AE map, under the lower-cased bus prefix (bus.streamPrefix). */
export function aeMapSubjects(prefix: string): AeMapSubjects {
  const p = prefix.toLowerCase();
  return { get: `${p}.config.ae-map.get`, changed: `${p}.config.ae-map.changed` };
}

/** Queue group of the processes answering `get` (any one of them may answer). */
export const AE_MAP_QUEUE_GROUP = 'ae-map';

export type AeMapLoader = () => Promise<readonly AeMapEntry[]>;

export interface AeMapSourceOptions {
  /** Used until the first load succeeds. */
  initial: readonly AeMapEntry[];
  reloadMs: number;
  logger: Logger;
}

function isEntry(v: unknown): v is AeMapEntry {
  if (typeof v !== 'object' || v === null) return false;
  const e = v as Record<string, unknown>;
  return typeof e['aeTitle'] === 'string' && typeof e['host'] === 'string' && typeof e['port'] === 'number'
    && typeof e['tls'] === 'boolean' && typeof e['store'] === 'boolean' && typeof e['query'] === 'boolean' && typeof e['retrieve'] === 'boolean';
}

export function encodeAeMap(entries: readonly AeMapEntry[]): Uint8Array {
  return Buffer.from(JSON.stringify({ v: 1, entries }));
}

export function decodeAeMap(data: Uint8Array): AeMapEntry[] {
  const parsed = JSON.parse(Buffer.from(data).toString('utf8')) as { v?: unknown; entries?: unknown };
  if (parsed.v !== 1 || !Array.isArray(parsed.entries) || !parsed.entries.every(isEntry)) throw new Error('not an AE map (v1)');
  return parsed.entries;
}

/** Reads the table directly (a process with the database). */
/**
 * Writes the configured entries into the table (the configuration wins for its titles; entries
 * added over the API stay). Every process with the database does it at start, so a configured
 * destination is known even before admin-api runs; two processes seeding at once may collide on
 * the unique title, and the second try then finds the rows in place.
 */
export async function seedConfiguredAeMap(repository: AeMapRepository, entries: readonly AeMapEntry[]): Promise<void> {
  await repository.seedFromConfig(entries).catch(() => repository.seedFromConfig(entries));
}

export function databaseAeMapLoader(repository: AeMapRepository): AeMapLoader {
  return async () => (await repository.list()).map(({ aeTitle, host, port, tls, store, query, retrieve, preferredTransferSyntax, description }) => ({
    aeTitle, host, port, tls, store, query, retrieve,
    ...(preferredTransferSyntax ? { preferredTransferSyntax } : {}),
    ...(description ? { description } : {}),
  }));
}

/** Asks a process with the database (admin-api) over the bus. */
export function busAeMapLoader(bus: Bus, subjects: AeMapSubjects, timeoutMs = 5_000): AeMapLoader {
  return async () => decodeAeMap(await bus.request(subjects.get, new Uint8Array(0), { timeoutMs }));
}

/** Serves `get` from the table (admin-api). */
export function serveAeMap(bus: Bus, subjects: AeMapSubjects, repository: AeMapRepository): Promise<Server> {
  const load = databaseAeMapLoader(repository);
  return bus.serve(subjects.get, AE_MAP_QUEUE_GROUP, async () => encodeAeMap(await load()));
}

/**
 * Tells every process that the map changed. Nobody listening (no listener running) is fine;
 * the answer of the first process is enough, the others reload all the same.
 */
export async function announceAeMapChanged(bus: Bus, subjects: AeMapSubjects, logger: Logger): Promise<void> {
  try {
    await bus.request(subjects.changed, new Uint8Array(0), { timeoutMs: 2_000 });
  } catch (err) {
    if (err instanceof BusNoRespondersError) return;
    if (err instanceof BusTimeoutError) {
      logger.warn('AE map change notice unanswered; processes pick the change up at their next periodic reload');
      return;
    }
    throw err;
  }
}

export class AeMapSource {
  private map: AeMap;
  private loaded = false;
  private timer: NodeJS.Timeout | undefined;
  private server: Server | undefined;
  private reloading: Promise<void> | undefined;
  private again = false;

  constructor(
    private readonly load: AeMapLoader,
    private readonly options: AeMapSourceOptions,
  ) {
    this.map = new AeMap(options.initial);
  }

  /** The map as last loaded (synchronous: asked on every association and DIMSE request). */
  current(): AeMap {
    return this.map;
  }

  /** Whether the map came from the table at least once (otherwise it is the configured one). */
  get fromTable(): boolean {
    return this.loaded;
  }

  /** Loads the map now; concurrent calls share one load, and a call during a load runs one more. */
  reload(): Promise<void> {
    if (this.reloading) {
      this.again = true;
      return this.reloading;
    }
    this.reloading = (async () => {
      do {
        this.again = false;
        try {
          const entries = await this.load();
          this.map = new AeMap(entries);
          if (!this.loaded) this.options.logger.info({ entries: entries.length }, 'AE map loaded');
          this.loaded = true;
        } catch (err) {
          this.options.logger.warn(
            { err: err instanceof Error ? err.message : String(err), fromTable: this.loaded },
            this.loaded ? 'AE map reload failed; keeping the last one' : 'AE map not available yet; using the configured entries',
          );
        }
      } while (this.again);
    })().finally(() => {
      this.reloading = undefined;
    });
    return this.reloading;
  }

  /** First load, then reloads on every change notice and every reloadMs. */
  async start(bus: Bus, subjects: AeMapSubjects): Promise<void> {
    await this.reload();
    // A queue group of its own: every process gets every notice (one member per group).
    const group = `ae-map-${randomBytes(6).toString('hex')}`;
    this.server = await bus.serve(subjects.changed, group, async () => {
      await this.reload();
      return new Uint8Array(0);
    });
    this.timer = setInterval(() => void this.reload(), this.options.reloadMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.server?.stop({ timeoutMs: 1_000 });
    this.server = undefined;
  }
}
