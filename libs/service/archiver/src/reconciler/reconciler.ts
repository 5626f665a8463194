import type { SettingsRepository, StoredObjectIndex } from '@pacs/persistence';
import type { Logger } from '@pacs/platform';
import type { ObjectListEntry, ObjectStore } from '@pacs/storage';
import { forEachBounded } from '../regen/bounded';
import type { IndexerBacklog } from '../regen/indexer-backlog';
import type { RegenOutcome } from '../regen/regen';
import { IncompleteObjectError, UnannounceableObjectError, type StoredObjectAnnouncer } from '../regen/stored-object-announcer';
import { nextWatermark, positionInWindow, sweepWindow } from './sweep-window';

/** system_setting keys of the reconciler. */
export const RECONCILER_SETTINGS = {
  /** ISO time: objects last modified before it were covered by a completed sweep. */
  watermark: 'reconciler.watermark',
  /** ISO time an operator asked for a full sweep (requestFullSweep); done by the next sweep. */
  fullSweepRequestedAt: 'reconciler.fullSweepRequestedAt',
  lastFullSweepAt: 'reconciler.lastFullSweepAt',
} as const;

/** Asks the leading archiver for a full sweep (the whole archive, ignoring the watermark) at its next run. */
export async function requestFullSweep(settings: SettingsRepository, at: Date = new Date()): Promise<void> {
  await settings.set(RECONCILER_SETTINGS.fullSweepRequestedAt, at.toISOString());
}

/**
 * A temp upload nobody has written to for this long belongs to no running put (a put writes as
 * its data arrives, and an association idle for minutes is closed): a process died mid-put.
 */
export const ABANDONED_UPLOAD_AGE_MS = 60 * 60_000;

export interface ReconcilerOptions {
  graceMs: number;
  concurrency: number;
  progressEvery: number;
  /** A sweep is deferred while more events than this wait for the indexer. */
  maxBacklog: number;
  /** Keys checked against the index per query. */
  batchSize?: number;
}

export interface ReconcilerDeps {
  store: ObjectStore;
  /** Stores besides `store` whose abandoned uploads a sweep removes (tiers with a store of their own). */
  tierStores?: () => Promise<ObjectStore[]>;
  index: StoredObjectIndex;
  settings: SettingsRepository;
  announcer: StoredObjectAnnouncer;
  backlog: IndexerBacklog;
  logger: Logger;
  counted?: (outcome: RegenOutcome) => void;
  now?: () => Date;
}

export interface SweepResult {
  full: boolean;
  /** The indexer was busy: nothing was swept, the watermark stays. */
  deferred: boolean;
  scanned: number;
  /** Objects in the window without an object_location row. */
  unindexed: number;
  announced: number;
  /** Unreferenced copies of instances indexed with another digest: left alone (see sweep()). */
  superseded: number;
  /** Unindexed objects that end before their data set does (IncompleteObjectError): reported, left alone. */
  incomplete: number;
  failed: number;
  /** Temp uploads of puts that never finished (removeAbandonedUploads), removed. */
  abandonedUploads: number;
}

/**
 * The reconciler (ARCHITECTURE.md contract 1): finds objects in storage that no index row
 * refers to and that are older than the grace period (the listener died between put and
 * publish, or publish and delete both failed, or the indexer gave an event up) and
 * announces them. Each sweep covers the objects modified since the last completed one (the
 * watermark in system_setting), minus a margin; a full sweep covers everything. Storage
 * offers no listing by date, so the listing still walks every key, but only objects in the
 * window cost an index query and a read.
 */
export class Reconciler {
  private readonly now: () => Date;

  constructor(
    private readonly deps: ReconcilerDeps,
    private readonly options: ReconcilerOptions,
  ) {
    this.now = deps.now ?? (() => new Date());
  }

  async sweep({ full = false, signal }: { full?: boolean; signal?: AbortSignal } = {}): Promise<SweepResult> {
    const { settings, logger } = this.deps;
    const result: SweepResult = { full: false, deferred: false, scanned: 0, unindexed: 0, announced: 0, superseded: 0, incomplete: 0, failed: 0, abandonedUploads: 0 };
    const backlog = await this.deps.backlog.current();
    if (backlog > this.options.maxBacklog) {
      // The objects the indexer has not reached yet have no rows either: announcing them again
      // would only add to its work.
      logger.info({ backlog, maxBacklog: this.options.maxBacklog }, 'indexer busy; reconciler sweep deferred');
      return { ...result, deferred: true };
    }
    const now = this.now();
    const requestedAt = dateSetting(await settings.get(RECONCILER_SETTINGS.fullSweepRequestedAt));
    const lastFullAt = dateSetting(await settings.get(RECONCILER_SETTINGS.lastFullSweepAt));
    result.full = full || (requestedAt !== undefined && (lastFullAt === undefined || requestedAt > lastFullAt));
    const watermark = dateSetting(await settings.get(RECONCILER_SETTINGS.watermark));
    const window = sweepWindow(now, this.options.graceMs, watermark, result.full);
    logger.info({ full: result.full, from: window.from, until: window.until }, 'reconciler sweep started');

    let batch: ObjectListEntry[] = [];
    for await (const entry of this.deps.store.list('')) {
      if (signal?.aborted) break;
      result.scanned++;
      if (result.scanned % this.options.progressEvery === 0) logger.info({ ...result }, 'reconciler progress');
      if (positionInWindow(window, entry.lastModified) !== 'candidate') continue;
      batch.push(entry);
      if (batch.length >= (this.options.batchSize ?? 500)) {
        await this.reconcile(batch, result, signal);
        batch = [];
      }
    }
    if (!signal?.aborted) await this.reconcile(batch, result, signal);
    if (!signal?.aborted) result.abandonedUploads = await this.removeAbandonedUploads();

    // Only a sweep that saw and handled everything moves the watermark; otherwise the next
    // sweep looks at the same objects again.
    if (!signal?.aborted && result.failed === 0) {
      await settings.set(RECONCILER_SETTINGS.watermark, nextWatermark(watermark, window).toISOString());
      if (result.full) await settings.set(RECONCILER_SETTINGS.lastFullSweepAt, now.toISOString());
    }
    logger.info({ ...result, aborted: signal?.aborted ?? false }, 'reconciler sweep finished');
    return result;
  }

  /** What puts cut off by a crash left aside, in every store; a failure is logged and does not fail the sweep. */
  private async removeAbandonedUploads(): Promise<number> {
    let removed = 0;
    for (const store of [this.deps.store, ...((await this.deps.tierStores?.()) ?? [])]) {
      try {
        removed += (await store.removeAbandonedUploads?.(ABANDONED_UPLOAD_AGE_MS)) ?? 0;
      } catch (err) {
        this.deps.logger.warn({ err, store: store.describe() }, 'abandoned uploads could not be removed');
      }
    }
    return removed;
  }

  private async reconcile(batch: ObjectListEntry[], result: SweepResult, signal?: AbortSignal): Promise<void> {
    if (batch.length === 0) return;
    const unindexed = new Set(await this.deps.index.unindexedKeys(batch.map((e) => e.key)));
    result.unindexed += unindexed.size;
    await forEachBounded(batch.filter((e) => unindexed.has(e.key)), this.options.concurrency, async (entry) => {
      try {
        const outcome = await this.announceOrphan(entry, signal);
        if (outcome === 'announced') result.announced++;
        if (outcome === 'superseded') result.superseded++;
        this.deps.counted?.(outcome === 'announced' ? 'announced' : 'skipped');
      } catch (err) {
        if (err instanceof IncompleteObjectError) {
          // Never acknowledged (a put cut off midway): nothing to announce, and nothing a later
          // sweep could do better, so it does not hold the watermark back.
          result.incomplete++;
          this.deps.counted?.('skipped');
          this.deps.logger.warn({ key: entry.key, err: err.message }, 'unindexed object is incomplete; not announced, left in storage');
          return;
        }
        result.failed++;
        this.deps.counted?.('failed');
        this.deps.logger.warn({ key: entry.key, err: err instanceof UnannounceableObjectError ? err.message : err }, 'unindexed object could not be announced');
      }
    }, signal);
  }

  /**
   * An unreferenced copy of an instance the index holds with another digest is what a
   * replace or keep decision left behind (its delete failed), or a resend the SCU was told
   * failed: announcing it could, under the "replace" policies, put the older copy back in
   * place of the newer. It is left for an operator (logged), never re-announced.
   */
  private async announceOrphan(entry: ObjectListEntry, signal?: AbortSignal): Promise<'announced' | 'superseded' | 'gone'> {
    const prepared = await this.deps.announcer.prepare(entry);
    if (prepared.outcome === 'skipped') return 'gone';
    const { event } = prepared;
    const indexed = await this.deps.index.indexedDigest(event.sopInstanceUid);
    if (indexed !== undefined && indexed !== event.digest) {
      this.deps.logger.warn({ key: entry.key, sopInstanceUid: event.sopInstanceUid }, 'unreferenced copy of an instance indexed with another digest; left in storage');
      return 'superseded';
    }
    await this.deps.announcer.publish(event, signal);
    this.deps.logger.warn({ key: entry.key, sopInstanceUid: event.sopInstanceUid, lastModified: entry.lastModified }, 'stored object was never indexed; announced');
    return 'announced';
  }
}

function dateSetting(value: unknown): Date | undefined {
  if (typeof value !== 'string') return undefined;
  const t = Date.parse(value);
  return Number.isNaN(t) ? undefined : new Date(t);
}
