import { ConfigError, HealthRegistry, Shutdown, createLogger, loadConfig, redactConfig, startProbeServer, startTelemetry, type PacsConfig } from '@pacs/platform';
import { Infrastructure } from './infrastructure';
import type { PacsService, ServiceContext } from './service-context';

/** Exit status for a configuration error (sysexits.h EX_CONFIG). */
export const EXIT_CONFIG = 78;

export interface RunOptions {
  argv?: readonly string[];
  env?: NodeJS.ProcessEnv;
  /** Wins over file and environment (tests, the all-in-one defaults). */
  overrides?: Record<string, unknown>;
  installSignalHandlers?: boolean;
}

export interface RunningProcess {
  context: ServiceContext;
  /** Port of /healthz and /readyz (admin-api's HTTP port or the probe server's). */
  httpPort?: number;
  stop(): Promise<void>;
}

/**
 * Runs one or more services in this process: configuration (validated, a bad value stops
 * start-up naming the key), logging, telemetry, health, graceful shutdown and the shared
 * infrastructure. Every app's main.ts is a call to this.
 */
export async function runServices(processName: string, services: PacsService[], options: RunOptions = {}): Promise<RunningProcess> {
  const config: PacsConfig = loadConfig({
    ...(options.argv ? { argv: options.argv } : {}),
    ...(options.env ? { env: options.env } : {}),
    ...(options.overrides ? { overrides: options.overrides } : {}),
  });
  const logger = createLogger(config.log, processName);
  logger.info({ mode: config.mode, config: redactConfig(config) }, 'starting');
  const telemetry = await startTelemetry(config, processName, logger);
  const health = new HealthRegistry();
  const shutdown = new Shutdown(logger, health, config.shutdownTimeoutMs);
  shutdown.onShutdown('telemetry', () => telemetry.shutdown());
  const infra = new Infrastructure(config, logger, health, shutdown, processName);
  const context: ServiceContext = { config, logger, telemetry, health, shutdown, infra };
  if (options.installSignalHandlers ?? true) shutdown.installSignalHandlers();

  // Not ready until every service has started: the probes answer from the first moment, but a
  // balancer must not send associations to a pod whose DICOM port opens only at the end of
  // scp-listener's start (after its warm-up), nor requests to a half-started process.
  let starting: string | undefined = services[0]?.name;
  health.addReadinessCheck('started', async () => {
    if (starting !== undefined) throw new Error(`still starting ${starting}`);
  });

  try {
    let httpPort: number | undefined;
    if (!services.some((s) => s.servesHttpProbes)) {
      const probe = await startProbeServer(health, config.http.host, config.http.port);
      shutdown.onShutdown('probe server', () => new Promise<void>((r) => probe.server.close(() => r())));
      httpPort = probe.port;
      logger.info({ port: probe.port }, 'HTTP probes listening');
    }
    for (const service of services) {
      starting = service.name;
      const started = await service.start({ ...context, logger: logger.child({ component: service.name }) });
      if (started?.httpPort !== undefined) httpPort = started.httpPort;
      logger.info({ service: service.name }, 'service started');
    }
    starting = undefined;
    return { context, ...(httpPort === undefined ? {} : { httpPort }), stop: () => shutdown.run() };
  } catch (err) {
    logger.fatal({ err }, 'start-up failed');
    await shutdown.run().catch(() => undefined);
    throw err;
  }
}

/** The body of every main.ts: run, and turn start-up failures into one clear line and an exit code. */
export function main(processName: string, services: PacsService[]): void {
  runServices(processName, services).catch((err: unknown) => {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(EXIT_CONFIG);
    }
    console.error(`${processName}: start-up failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
