import type { AdvisoryLeaderLock } from '@pacs/persistence';
import type { Logger } from '@pacs/platform';
import type { Reconciler, SweepResult } from './reconciler';

/** Key of the reconciler's advisory lock ("PACSREC1"), in the single-bigint key space. */
export const RECONCILER_LOCK_KEY = 0x5041435352454331n;

/**
 * Runs a sweep every intervalMs on the one archiver that holds the reconciler lock; the
 * others check again at the next interval and take over when the leader is gone.
 */
export class ReconcilerLoop {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private readonly abort = new AbortController();

  constructor(
    private readonly reconciler: Reconciler,
    private readonly lock: AdvisoryLeaderLock,
    private readonly intervalMs: number,
    private readonly logger: Logger,
    private readonly sweeps?: (outcome: 'swept' | 'deferred' | 'follower' | 'failed', result?: SweepResult) => void,
  ) {}

  start(): void {
    this.schedule();
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.abort.abort();
    await this.running;
    await this.lock.release();
  }

  private schedule(): void {
    if (this.abort.signal.aborted) return;
    this.timer = setTimeout(() => {
      this.running = this.tick().finally(() => {
        this.running = undefined;
        this.schedule();
      });
    }, this.intervalMs);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    try {
      if (!(await this.lock.acquire())) {
        this.logger.debug('another archiver runs the reconciler');
        this.sweeps?.('follower');
        return;
      }
      const result = await this.reconciler.sweep({ signal: this.abort.signal });
      this.sweeps?.(result.deferred ? 'deferred' : 'swept', result);
    } catch (err) {
      // Database or storage unavailable: the next interval tries again, from the same watermark.
      this.logger.warn({ err }, 'reconciler sweep failed');
      this.sweeps?.('failed');
    }
  }
}
