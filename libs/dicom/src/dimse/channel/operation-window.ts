// PS3.7 D.3.3.3 Asynchronous Operations Window: at most `limit` operations outstanding in one
// direction; the rest wait their turn in arrival order (0 = unlimited).
export class OperationWindow {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  get outstanding(): number {
    return this.running;
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await work();
    } finally {
      this.release();
    }
  }

  acquire(): Promise<void> {
    if (this.limit === 0 || this.running < this.limit) {
      this.running++;
      return Promise.resolve();
    }
    return new Promise((resolve) =>
      this.waiting.push(() => {
        this.running++;
        resolve();
      }),
    );
  }

  release(): void {
    this.running--;
    this.waiting.shift()?.();
  }
}
