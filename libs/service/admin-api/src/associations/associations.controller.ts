import { Controller, Get, Inject, Query } from '@nestjs/common';
import { associationFailed, type AssociationSummary } from '@pacs/domain';
import type { AdminContext } from '../admin-context';
import { paging, Problem, textParam } from '../http-problem';
import { ADMIN_CONTEXT } from '../tokens';
import { RECENT_ASSOCIATIONS, recentAssociationsOf } from './recent-associations';

type AssociationJson = Omit<AssociationSummary, 'v'>;

/**
 * GET /api/associations: the last associations the listeners ended, newest first, with their
 * operations and failures; failed=true keeps the rejected, aborted and those with a failed
 * operation; callingAe filters by calling AE title.
 */
@Controller('api/associations')
export class AssociationsController {
  constructor(@Inject(ADMIN_CONTEXT) private readonly admin: AdminContext) {}

  @Get()
  list(@Query() q: Record<string, unknown>): { items: AssociationJson[]; total: number } {
    const failedParam = textParam(q, 'failed', 5);
    if (failedParam !== undefined && failedParam !== 'true' && failedParam !== 'false') throw new Problem(400, 'failed must be true or false');
    const callingAe = textParam(q, 'callingAe', 16);
    const { limit, offset } = paging(q, 50, RECENT_ASSOCIATIONS);
    const items = recentAssociationsOf(this.admin).list((s) =>
      (failedParam === undefined || associationFailed(s) === (failedParam === 'true')) && (callingAe === undefined || s.callingAe === callingAe));
    return { items: items.slice(offset, offset + limit).map(({ v: _v, ...rest }) => rest), total: items.length };
  }
}
