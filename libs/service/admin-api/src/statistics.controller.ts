import { Controller, Get, Inject, Query } from '@nestjs/common';
import { TierLocationRepository, TypeOrmIndexRepository, type TierUsage } from '@pacs/persistence';
import type { ServiceContext } from '@pacs/runtime';
import { Problem, textParam } from './http-problem';
import { SERVICE_CONTEXT } from './tokens';

/** Archive counts, read from the index; ?include=tiers adds objects and bytes per storage tier (a scan of the locations). */
@Controller('api')
export class StatisticsController {
  constructor(@Inject(SERVICE_CONTEXT) private readonly ctx: ServiceContext) {}

  @Get('statistics')
  async statistics(@Query() q: Record<string, unknown>): Promise<{ instances: number; tiers?: TierUsage[] }> {
    const include = textParam(q, 'include', 20);
    if (include !== undefined && include !== 'tiers') throw new Problem(400, `include: ${JSON.stringify(include)} is not "tiers"`);
    const db = await this.ctx.infra.database();
    const instances = await new TypeOrmIndexRepository(db).countInstances();
    return include === 'tiers' ? { instances, tiers: await new TierLocationRepository(db).usagePerTier() } : { instances };
  }
}
