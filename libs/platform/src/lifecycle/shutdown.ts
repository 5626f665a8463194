import type { Logger } from 'pino';
import type { HealthRegistry } from '../health/health';

type Hook = { name: string; run: () => Promise<void> };

/**
 * Graceful shutdown: on SIGTERM/SIGINT readiness fails first (so balancers stop sending
 * work), then hooks run in reverse registration order (last started, first stopped), the
 * whole drain bounded by timeoutMs; then the process exits.
 */
export class Shutdown {
  private readonly hooks: Hook[] = [];
  private running: Promise<void> | undefined;

  constructor(
    private readonly logger: Logger,
    private readonly health: HealthRegistry,
    private readonly timeoutMs: number,
  ) {}

  /** Registers a step of the drain; steps run last-in, first-out. */
  onShutdown(name: string, run: () => Promise<void>): void {
    this.hooks.push({ name, run });
  }

  installSignalHandlers(exit: (code: number) => void = (code) => process.exit(code)): void {
    const onSignal = (signal: NodeJS.Signals) => {
      this.logger.info({ signal }, 'shutdown requested, draining');
      this.run().then(
        () => exit(0),
        () => exit(1),
      );
    };
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
  }

  run(): Promise<void> {
    this.running ??= this.drain();
    return this.running;
  }

  private async drain(): Promise<void> {
    this.health.startDraining();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), this.timeoutMs);
    });
    const steps = (async () => {
      for (const hook of [...this.hooks].reverse()) {
        try {
          await hook.run();
          this.logger.debug({ step: hook.name }, 'shutdown step done');
        } catch (err) {
          this.logger.error({ err, step: hook.name }, 'shutdown step failed');
        }
      }
    })();
    const outcome = await Promise.race([steps.then(() => 'done' as const), deadline]);
    clearTimeout(timer);
    if (outcome === 'timeout') {
      this.logger.warn({ timeoutMs: this.timeoutMs }, 'shutdown timed out; exiting with work in flight');
      throw new Error('shutdown timed out');
    }
    this.logger.info('shutdown complete');
  }
}
