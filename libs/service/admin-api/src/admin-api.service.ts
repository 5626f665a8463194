import 'reflect-metadata';
import { Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { PacsService, ServiceContext } from '@pacs/runtime';
import type { AddressInfo } from 'node:net';
import { HealthController } from './health.controller';
import { ProblemJsonFilter } from './problem-json.filter';
import { StatisticsController } from './statistics.controller';
import { StatusController } from './status.controller';
import { SERVICE_CONTEXT } from './tokens';

@Module({})
class AdminApiModule {
  static forContext(ctx: ServiceContext): DynamicModule {
    return {
      module: AdminApiModule,
      controllers: [HealthController, StatusController, StatisticsController],
      providers: [{ provide: SERVICE_CONTEXT, useValue: ctx }],
    };
  }
}

/** admin-api: REST, DICOMweb and the web UI over HTTP (NestJS on Express). */
export const adminApiService: PacsService = {
  name: 'admin-api',
  servesHttpProbes: true,
  async start(ctx) {
    await ctx.infra.database();
    const app = await NestFactory.create(AdminApiModule.forContext(ctx), { logger: false, abortOnError: false });
    app.useGlobalFilters(new ProblemJsonFilter(ctx.logger));
    await app.listen(ctx.config.http.port, ctx.config.http.host);
    const port = (app.getHttpServer().address() as AddressInfo).port;
    ctx.logger.info({ port }, 'HTTP listening');
    ctx.shutdown.onShutdown('admin-api', () => app.close());
    return { httpPort: port };
  },
};
