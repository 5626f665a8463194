import { Controller, Get, HttpCode, Inject, Res } from '@nestjs/common';
import type { ServiceContext } from '@pacs/runtime';
import type { Response } from 'express';
import { Public } from './auth/auth';
import { SERVICE_CONTEXT } from './tokens';

/** Kubernetes probes: /healthz is liveness (the process answers), /readyz readiness. */
@Controller()
@Public()
export class HealthController {
  constructor(@Inject(SERVICE_CONTEXT) private readonly ctx: ServiceContext) {}

  @Get('healthz')
  @HttpCode(200)
  healthz(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('readyz')
  async readyz(@Res() res: Response): Promise<void> {
    const report = await this.ctx.health.ready();
    res.status(report.status === 'ok' ? 200 : 503).json(report);
  }
}
