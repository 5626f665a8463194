import type { Bus } from '@pacs/messaging';
import { indexerBacklog } from '@pacs/runtime';
import type { Logger } from '@pacs/platform';

/**
 * Watches how many instance.received events wait for the indexer. Above the limit the
 * listener answers new C-STOREs with 0xA700 instead of piling up work it cannot index
 * (a modality retries later; nothing acknowledged is at risk).
 */
export class IndexLagMonitor {
  private lag = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly bus: Bus,
    private readonly stream: string,
    private readonly maxLag: number,
    private readonly logger: Logger,
    private readonly intervalMs = 1_000,
  ) {}

  start(): void {
    const poll = () => {
      indexerBacklog(this.bus, this.stream).then(
        (next) => {
          if ((next > this.maxLag) !== (this.lag > this.maxLag)) {
            this.logger.warn({ lag: next, maxLag: this.maxLag }, next > this.maxLag ? 'indexer lag above limit: refusing new C-STOREs' : 'indexer lag back under limit');
          }
          this.lag = next;
        },
        (err: unknown) => this.logger.debug({ err }, 'stream info unavailable'),
      ).finally(() => {
        if (this.timer) this.timer = setTimeout(poll, this.intervalMs).unref();
      });
    };
    this.timer = setTimeout(poll, 0).unref();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** A reason to refuse new work, or undefined. */
  readonly busy = (): string | undefined => (this.lag > this.maxLag ? `indexer backlog ${this.lag} > ${this.maxLag}` : undefined);
}
