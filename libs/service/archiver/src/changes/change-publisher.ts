// Publishes the change log on the bus (issue 7). Every archiver replica runs it; a round takes
// the publisher cursor with SKIP LOCKED, so one replica publishes at a time and another takes
// over at once when it stops. The same rounds record study-stable changes and prune old rows.
import type { Bus } from '@pacs/messaging';
import type { ChangeLogRepository, ChangePublishOptions } from '@pacs/persistence';
import type { Logger } from '@pacs/platform';
import { BatchLoop } from '../jobs/batch-loop';
import { encodeChange, type ChangeTopology } from './change-topology';

const BATCH = 500;
/** Old rows are looked for once an hour. */
const PRUNE_EVERY_MS = 60 * 60_000;
/**
 * Kept on the stream for subscribers that were briefly away; the table keeps the rest (GET
 * /api/changes). Short, because the in-process bus of embedded mode holds the stream in memory.
 */
const STREAM_MAX_AGE_MS = 60 * 60_000;
const DUPLICATE_WINDOW_MS = 5 * 60_000;

export interface ChangePublisherOptions {
  pollIntervalMs: number;
  stableStudyMs: number;
  changeRetentionDays: number;
}

export async function ensureChangeStream(bus: Bus, topology: ChangeTopology): Promise<void> {
  await bus.ensureStream({ name: topology.stream, subjects: topology.subjects, duplicateWindowMs: DUPLICATE_WINDOW_MS, maxAgeMs: STREAM_MAX_AGE_MS, retention: 'limits' });
}

export class ChangePublisher {
  private readonly loop: BatchLoop;
  private readonly round: ChangePublishOptions;

  constructor(
    private readonly changes: ChangeLogRepository,
    private readonly bus: Bus,
    private readonly topology: ChangeTopology,
    options: ChangePublisherOptions,
    private readonly logger: Logger,
  ) {
    this.round = { limit: BATCH, stableMs: options.stableStudyMs, retentionDays: options.changeRetentionDays, pruneEveryMs: PRUNE_EVERY_MS };
    this.loop = new BatchLoop(() => this.publishOnce(), {
      batch: BATCH,
      pollIntervalMs: options.pollIntervalMs,
      onError: (err) => logger.warn({ err }, 'publishing the change log failed; trying again'),
    });
  }

  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** One round; returns the number of changes published. */
  async publishOnce(): Promise<number> {
    const result = await this.changes.publishRound(this.round, async (changes) => {
      for (const change of changes) {
        await this.bus.publish(this.topology.subject(change.kind), encodeChange(change), { msgId: `change-${change.seq}` });
      }
    });
    if (result.stable > 0 || result.pruned > 0) this.logger.debug({ stable: result.stable, pruned: result.pruned }, 'change log: studies stable, old rows pruned');
    return result.published;
  }
}
