import { INDEXER_DURABLE } from '@pacs/domain';
import type { Bus } from '@pacs/messaging';
import { abortableSleep } from './abortable-sleep';

/**
 * How many instance.received events wait for the indexer. Regen and the reconciler pause
 * above a limit, so re-announcing an archive never pushes the backlog to where the listeners
 * answer live C-STOREs with 0xA700.
 */
export class IndexerBacklog {
  constructor(
    private readonly bus: Bus,
    private readonly stream: string,
    private readonly pollMs = 500,
  ) {}

  async current(): Promise<number> {
    const info = await this.bus.streamInfo(this.stream);
    const consumer = info.consumers.find((c) => c.name === INDEXER_DURABLE);
    // Work-queue stream: before any indexer attached, the stream's own count is the backlog.
    return consumer ? consumer.pending + consumer.ackPending : info.messages;
  }

  /** Resolves once the backlog is at most `limit` (or `signal` aborted). */
  async waitAtMost(limit: number, signal?: AbortSignal): Promise<void> {
    while (!signal?.aborted && (await this.current()) > limit) await abortableSleep(this.pollMs, signal);
  }
}
