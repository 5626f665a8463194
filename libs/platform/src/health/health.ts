/**
 * Liveness and readiness of a process. Readiness is what the load balancer uses to send
 * associations and requests: it fails while draining and while a dependency the service
 * cannot work without (NATS, storage, database) is unreachable.
 */
export type HealthCheck = () => Promise<void>;

export interface HealthReport {
  status: 'ok' | 'failing';
  draining: boolean;
  checks: Record<string, { ok: boolean; error?: string }>;
}

export class HealthRegistry {
  private readonly readiness = new Map<string, HealthCheck>();
  private draining = false;

  constructor(private readonly checkTimeoutMs = 2_000) {}

  /** A check that must pass for the process to receive work. */
  addReadinessCheck(name: string, check: HealthCheck): void {
    this.readiness.set(name, check);
  }

  /** From now on readiness fails, so balancers stop sending new work (graceful drain). */
  startDraining(): void {
    this.draining = true;
  }

  get isDraining(): boolean {
    return this.draining;
  }

  async ready(): Promise<HealthReport> {
    const entries = await Promise.all(
      [...this.readiness].map(async ([name, check]) => [name, await this.run(check)] as const),
    );
    const checks = Object.fromEntries(entries);
    const ok = !this.draining && entries.every(([, r]) => r.ok);
    return { status: ok ? 'ok' : 'failing', draining: this.draining, checks };
  }

  private async run(check: HealthCheck): Promise<{ ok: boolean; error?: string }> {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        check(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${this.checkTimeoutMs} ms`)), this.checkTimeoutMs);
        }),
      ]);
      return { ok: true };
    } catch (err) {
      return { ok: false, error: err instanceof Error ? err.message : String(err) };
    } finally {
      clearTimeout(timer);
    }
  }
}
