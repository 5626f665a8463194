import { Controller, Get, Inject } from '@nestjs/common';
import { redactConfig } from '@pacs/platform';
import { ingestTopology } from '@pacs/domain';
import { indexerBacklog, type ServiceContext } from '@pacs/runtime';
import { SERVICE_CONTEXT } from './tokens';

/** System status for operators: mode, versions and the effective configuration (secrets masked). */
@Controller('api')
export class StatusController {
  constructor(@Inject(SERVICE_CONTEXT) private readonly ctx: ServiceContext) {}

  @Get('status')
  async status(): Promise<Record<string, unknown>> {
    const ready = await this.ctx.health.ready();
    // Stream lag: instance.received events the indexers have not finished (null when the bus cannot say).
    const indexerLag = await this.ctx.infra
      .bus()
      .then((bus) => indexerBacklog(bus, ingestTopology(this.ctx.config.bus.streamPrefix).stream))
      .catch(() => null);
    return {
      indexerLag,
      mode: this.ctx.config.mode,
      node: process.version,
      uptimeSeconds: Math.round(process.uptime()),
      ready,
      config: redactConfig(this.ctx.config),
    };
  }
}
