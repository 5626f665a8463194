import { Controller, Get, Inject } from '@nestjs/common';
import { redactConfig } from '@pacs/platform';
import type { ServiceContext } from '@pacs/runtime';
import { SERVICE_CONTEXT } from './tokens';

/** System status for operators: mode, versions and the effective configuration (secrets masked). */
@Controller('api')
export class StatusController {
  constructor(@Inject(SERVICE_CONTEXT) private readonly ctx: ServiceContext) {}

  @Get('status')
  async status(): Promise<Record<string, unknown>> {
    const ready = await this.ctx.health.ready();
    return {
      mode: this.ctx.config.mode,
      node: process.version,
      uptimeSeconds: Math.round(process.uptime()),
      ready,
      config: redactConfig(this.ctx.config),
    };
  }
}
