import type { Clock } from '../ul';

/**
 * Fires when nothing happened for a whole period. Activity only sets a flag (no timer
 * churn per chunk); the check runs once per period, so expiry comes after 1–2 periods.
 */
export class IdleTimer {
  private handle: unknown;
  private active = false;
  private suspended = false;

  constructor(
    private readonly periodMs: number,
    private readonly onIdle: () => void,
    private readonly clock: Clock,
  ) {}

  start(): void {
    if (this.periodMs <= 0 || this.handle !== undefined) return;
    this.handle = this.clock.setTimeout(() => this.check(), this.periodMs);
  }

  touch(): void {
    this.active = true;
  }

  /** While suspended (our own consumer is slow, not the peer) the timer never fires. */
  suspend(on: boolean): void {
    this.suspended = on;
  }

  stop(): void {
    if (this.handle === undefined) return;
    this.clock.clearTimeout(this.handle);
    this.handle = undefined;
  }

  private check(): void {
    this.handle = undefined;
    if (this.active || this.suspended) {
      this.active = false;
      this.start();
      return;
    }
    this.onIdle();
  }
}
