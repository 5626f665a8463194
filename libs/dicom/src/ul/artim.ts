// ARTIM, the Association Request/Reject/Release timer, PS3.8 §9.1.5.

/** Time source; tests inject a manual clock instead of real timers. */
export interface Clock {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return t;
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** Default ARTIM timeout (DCMTK's ACSE timeout default is 30 s as well). */
export const DEFAULT_ARTIM_TIMEOUT_MS = 30_000;

export class ArtimTimer {
  private handle: unknown;

  constructor(
    private readonly timeoutMs: number,
    private readonly onExpired: () => void,
    private readonly clock: Clock = systemClock,
  ) {}

  get running(): boolean {
    return this.handle !== undefined;
  }

  /** Starts the timer, restarting it if it was running. */
  start(): void {
    this.stop();
    this.handle = this.clock.setTimeout(() => {
      this.handle = undefined;
      this.onExpired();
    }, this.timeoutMs);
  }

  stop(): void {
    if (this.handle === undefined) return;
    this.clock.clearTimeout(this.handle);
    this.handle = undefined;
  }
}

/** A clock that only moves when told to; for deterministic tests of timers. */
export class ManualClock implements Clock {
  private now = 0;
  private nextId = 1;
  private readonly timers = new Map<number, { at: number; fn: () => void }>();

  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.timers.set(id, { at: this.now + ms, fn });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  get pending(): number {
    return this.timers.size;
  }

  /** Moves time forward, firing due timers in order. */
  advance(ms: number): void {
    const until = this.now + ms;
    for (;;) {
      let due: [number, { at: number; fn: () => void }] | undefined;
      for (const entry of this.timers) if (entry[1].at <= until && (!due || entry[1].at < due[1].at)) due = entry;
      if (!due) break;
      this.timers.delete(due[0]);
      this.now = due[1].at;
      due[1].fn();
    }
    this.now = until;
  }
}
