// Groups work that arrives while earlier work is being written, so that a database transaction
// carries as many items as came in during the previous one: under load batches grow by
// themselves. Without a linger, an item arriving at an idle batcher is written at once, alone;
// with one, an item that follows another within lingerMs waits up to lingerMs for company
// (worth it where each transaction blocks the process, as PGlite does in embedded mode), but
// only while company comes: after a batch of one, the next item is written at once too. So a
// lone item after a quiet spell (a modality's single image), or items sent one by one, each
// after the last was stored and indexed, never wait for a linger that would bring nobody.

export interface MicroBatcherOptions<T, R> {
  /** Writes a batch; returns one result per item, in order. */
  write: (items: readonly T[]) => Promise<R[]>;
  /** Largest batch handed to write(). */
  maxBatch: number;
  /** write() calls running at once. */
  concurrency: number;
  /**
   * Longest wait of a partial batch for more items before it is written (default 0); only
   * while items keep coming, i.e. for an item that arrived within lingerMs of the one before
   * and after a batch of more than one.
   */
  lingerMs?: number;
}

interface Pending<T, R> {
  item: T;
  queuedAt: number;
  /** It arrived while items were coming in: it may wait for company. */
  lingers: boolean;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

export class MicroBatcher<T, R> {
  private readonly queue: Pending<T, R>[] = [];
  private running = 0;
  private lingering: NodeJS.Timeout | undefined;
  private lastArrival = -Infinity;
  private lastBatchSize = 0;

  constructor(private readonly options: MicroBatcherOptions<T, R>) {
    if (options.maxBatch < 1 || options.concurrency < 1) throw new RangeError('maxBatch and concurrency must be at least 1');
  }

  submit(item: T): Promise<R> {
    const now = performance.now();
    const lingers = this.lastBatchSize > 1 && now - this.lastArrival < (this.options.lingerMs ?? 0);
    this.lastArrival = now;
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, queuedAt: now, lingers, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    for (let head = this.queue[0]; head !== undefined && this.running < this.options.concurrency; head = this.queue[0]) {
      const wait = head.lingers ? (this.options.lingerMs ?? 0) - (performance.now() - head.queuedAt) : 0;
      if (this.queue.length < this.options.maxBatch && wait > 0) {
        this.lingering ??= setTimeout(() => {
          this.lingering = undefined;
          this.pump();
        }, Math.ceil(wait));
        return;
      }
      const batch = this.queue.splice(0, this.options.maxBatch);
      this.lastBatchSize = batch.length;
      if (this.queue.length === 0 && this.lingering) {
        // Nothing left to wait for (a full batch went early).
        clearTimeout(this.lingering);
        this.lingering = undefined;
      }
      this.running++;
      void this.run(batch).finally(() => {
        this.running--;
        this.pump();
      });
    }
  }

  private async run(batch: Pending<T, R>[]): Promise<void> {
    try {
      const results = await this.options.write(batch.map((p) => p.item));
      if (results.length !== batch.length) throw new Error(`batch write returned ${results.length} results for ${batch.length} items`);
      batch.forEach((p, i) => p.resolve(results[i]!));
    } catch (error) {
      if (batch.length === 1) {
        batch[0]!.reject(error);
        return;
      }
      // One bad item must not fail the others: each is written again on its own.
      for (const pending of batch) await this.run([pending]);
    }
  }
}
