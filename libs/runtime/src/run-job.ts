import { ConfigError, HealthRegistry, Shutdown, createLogger, loadConfig, redactConfig, startTelemetry } from '@pacs/platform';
import { Infrastructure } from './infrastructure';
import { EXIT_CONFIG, type RunOptions } from './run-services';
import type { PacsService, ServiceContext } from './service-context';

/** Exit status for bad command-line arguments (sysexits.h EX_USAGE). */
export const EXIT_USAGE = 64;

/** A one-shot job (regen): runs to completion in its own process, then the process exits. */
export interface PacsJob<R> {
  name: string;
  /** Runs the job; stops early when `signal` aborts (SIGTERM/SIGINT), resolving with what it did so far. */
  run(ctx: ServiceContext, signal: AbortSignal): Promise<R>;
  /** Process exit status for the result; default 0. */
  exitCode?(result: R): number;
}

/** Bad arguments: printed with the usage text, exit status 64. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export interface RunJobOptions extends Omit<RunOptions, 'installSignalHandlers'> {
  /**
   * Services the job needs beside it when the bus is in-process (embedded mode): a job that
   * publishes events would otherwise publish them to nobody (regen needs the indexer).
   */
  embeddedServices?: PacsService[];
}

/**
 * Runs a job with the same configuration, logging, telemetry and infrastructure as the
 * services (runServices), without the HTTP probes a job has no use for. SIGTERM/SIGINT abort
 * the job; then everything opened is shut down in order.
 */
export async function runJob<R>(processName: string, job: PacsJob<R>, options: RunJobOptions = {}): Promise<R> {
  const config = loadConfig({
    ...(options.argv ? { argv: options.argv } : {}),
    ...(options.env ? { env: options.env } : {}),
    ...(options.overrides ? { overrides: options.overrides } : {}),
  });
  const logger = createLogger(config.log, processName);
  logger.info({ mode: config.mode, job: job.name, config: redactConfig(config) }, 'starting');
  const telemetry = await startTelemetry(config, processName, logger);
  const health = new HealthRegistry();
  const shutdown = new Shutdown(logger, health, config.shutdownTimeoutMs);
  shutdown.onShutdown('telemetry', () => telemetry.shutdown());
  const infra = new Infrastructure(config, logger, health, shutdown, processName);
  const context: ServiceContext = { config, logger, telemetry, health, shutdown, infra };

  const abort = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    logger.info({ signal }, 'stop requested; finishing the objects in flight');
    abort.abort(new Error(`${signal} received`));
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  try {
    if (config.bus.driver === 'in-process') {
      for (const service of options.embeddedServices ?? []) {
        await service.start({ ...context, logger: logger.child({ component: service.name }) });
        logger.info({ service: service.name }, 'service started beside the job (in-process bus)');
      }
    }
    return await job.run({ ...context, logger: logger.child({ component: job.name }) }, abort.signal);
  } finally {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
    await shutdown.run().catch((err: unknown) => logger.error({ err }, 'shutdown after the job failed'));
  }
}

/** The body of a job's main.ts: build the job from the arguments, run it, exit with its status. */
export function jobMain<R>(processName: string, makeJob: () => PacsJob<R>, options: RunJobOptions = {}): void {
  let job: PacsJob<R>;
  try {
    job = makeJob();
  } catch (err) {
    console.error(`${processName}: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(err instanceof UsageError ? EXIT_USAGE : 1);
  }
  runJob(processName, job, options).then(
    (result) => process.exit(job.exitCode?.(result) ?? 0),
    (err: unknown) => {
      if (err instanceof ConfigError) {
        console.error(err.message);
        process.exit(EXIT_CONFIG);
      }
      console.error(`${processName}: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    },
  );
}
