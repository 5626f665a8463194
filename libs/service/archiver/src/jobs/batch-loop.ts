import { abortableSleep } from '../regen/abortable-sleep';

/**
 * Runs a batch round over and over until stopped: at once again while rounds come back full
 * (there is more waiting), after `pollIntervalMs` otherwise. A failed round is reported and the
 * loop carries on after the pause: the rounds are idempotent (SKIP LOCKED drains, msg-id
 * deduplicated publishes), so trying again is always right.
 */
export class BatchLoop {
  private readonly stopping = new AbortController();
  private loop: Promise<void> | undefined;

  constructor(
    /** One round; returns how many items it handled. */
    private readonly round: () => Promise<number>,
    private readonly options: { batch: number; pollIntervalMs: number; onError: (err: unknown) => void },
  ) {}

  start(): void {
    this.loop ??= (async () => {
      while (!this.stopping.signal.aborted) {
        let handled = 0;
        try {
          handled = await this.round();
        } catch (err) {
          this.options.onError(err);
        }
        if (handled < this.options.batch) await abortableSleep(this.options.pollIntervalMs, this.stopping.signal);
      }
    })();
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await this.loop;
  }
}
