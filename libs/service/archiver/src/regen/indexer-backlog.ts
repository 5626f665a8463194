import type { Bus } from '@pacs/messaging';
import { indexerBacklog } from '@pacs/runtime';
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

  current(): Promise<number> {
    return indexerBacklog(this.bus, this.stream);
  }

  /** Resolves once the backlog is at most `limit` (or `signal` aborted). */
  async waitAtMost(limit: number, signal?: AbortSignal): Promise<void> {
    while (!signal?.aborted && (await this.current()) > limit) await abortableSleep(this.pollMs, signal);
  }
}
