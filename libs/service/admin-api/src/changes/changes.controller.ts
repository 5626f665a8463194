import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ChangeLogRepository, changeJson, type ChangeJson } from '@pacs/persistence';
import type { AdminContext } from '../admin-context';
import { Problem } from '../http-problem';
import { ADMIN_CONTEXT } from '../tokens';

const MAX_LIMIT = 1000;

function intParam(q: Record<string, unknown>, name: string, min: number, max: number, fallback: number): number {
  const v = q[name];
  if (v === undefined || v === '') return fallback;
  const n = typeof v === 'string' && /^\d{1,16}$/.test(v) ? Number(v) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new Problem(400, `${name} must be an integer from ${min} to ${max}`);
  return n;
}

/**
 * The change feed (issue 7, like Orthanc's GET /changes): what was created, updated or deleted
 * in the index, and which studies became stable, oldest first. A client reads on with
 * since=<last> until done; the same changes go out on the bus as <prefix>.changes.<kind>.
 */
@Controller('api/changes')
export class ChangesController {
  private readonly changes: ChangeLogRepository;

  constructor(@Inject(ADMIN_CONTEXT) admin: AdminContext) {
    this.changes = new ChangeLogRepository(admin.db);
  }

  @Get()
  async list(@Query() q: Record<string, unknown>): Promise<{ changes: ChangeJson[]; last: number; done: boolean }> {
    const since = intParam(q, 'since', 0, Number.MAX_SAFE_INTEGER, 0);
    const limit = intParam(q, 'limit', 1, MAX_LIMIT, 100);
    const page = await this.changes.list(since, limit);
    return {
      changes: page.changes.map(changeJson),
      last: page.last,
      done: page.done,
    };
  }
}
