import { Controller, Get, Inject } from '@nestjs/common';
import { TypeOrmIndexRepository } from '@pacs/persistence';
import type { ServiceContext } from '@pacs/runtime';
import { SERVICE_CONTEXT } from './tokens';

/** Archive counts, read from the index. */
@Controller('api')
export class StatisticsController {
  constructor(@Inject(SERVICE_CONTEXT) private readonly ctx: ServiceContext) {}

  @Get('statistics')
  async statistics(): Promise<{ instances: number }> {
    const repository = new TypeOrmIndexRepository(await this.ctx.infra.database());
    return { instances: await repository.countInstances() };
  }
}
