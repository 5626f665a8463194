import type { HealthRegistry, Logger, PacsConfig, Shutdown, Telemetry } from '@pacs/platform';
import type { Infrastructure } from './infrastructure';

/** What a service gets from the process that runs it (one app, or all of them embedded). */
export interface ServiceContext {
  config: PacsConfig;
  logger: Logger;
  telemetry: Telemetry;
  health: HealthRegistry;
  shutdown: Shutdown;
  infra: Infrastructure;
}

/** A service of the PACS: starts its work and registers how to stop it on ctx.shutdown. */
export interface PacsService {
  name: string;
  /** Whether the service serves /healthz and /readyz itself (admin-api does, on http.port). */
  servesHttpProbes?: boolean;
  /** Starts the service; an HTTP-serving service reports the port it listens on. */
  start(ctx: ServiceContext): Promise<void | { httpPort?: number }>;
}
