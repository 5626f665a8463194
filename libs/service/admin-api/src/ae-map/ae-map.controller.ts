import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Put, Res } from '@nestjs/common';
import { checkAeMapEntry, InvalidAeMapEntryError } from '@pacs/domain';
import { AeTitleTakenError, type StoredAeMapEntry } from '@pacs/persistence';
import { announceAeMapChanged } from '@pacs/runtime';
import type { Response } from 'express';
import type { AdminContext } from '../admin-context';
import { RequireRole } from '../auth/auth';
import { noteAudit } from '../auth/audit';
import { Problem } from '../http-problem';
import { ADMIN_CONTEXT } from '../tokens';

function position(body: unknown): number | undefined {
  const p = (body as Record<string, unknown> | null)?.['position'];
  if (p === undefined) return undefined;
  if (typeof p !== 'number' || !Number.isInteger(p) || Math.abs(p) > 1_000_000) throw new Problem(400, 'position: an integer (first-match order, lowest first)');
  return p;
}

function checked<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof InvalidAeMapEntryError) throw new Problem(400, err.message);
    throw err;
  }
}

/**
 * The AE map (Conquest's acrnema.map) in the database: list, add, edit, delete. Every change
 * reaches every listener at once (announceAeMapChanged); configuration entries come back as
 * configured at the next start.
 */
@Controller('api/ae-map')
export class AeMapController {
  constructor(@Inject(ADMIN_CONTEXT) private readonly admin: AdminContext) {}

  @Get()
  async list(): Promise<{ items: StoredAeMapEntry[] }> {
    return { items: await this.admin.aeMap.list() };
  }

  @Get(':id')
  async get(@Param('id') id: string): Promise<StoredAeMapEntry> {
    const entry = await this.admin.aeMap.get(id);
    if (!entry) throw new Problem(404, `no AE map entry ${JSON.stringify(id)}`);
    return entry;
  }

  @Post()
  @RequireRole('admin')
  async create(@Body() body: unknown, @Res({ passthrough: true }) res: Response): Promise<StoredAeMapEntry> {
    const entry = checked(() => checkAeMapEntry(body));
    noteAudit(res, { action: 'ae-map.create', target: { aeTitle: entry.aeTitle } });
    const stored = await this.admin.aeMap.add(entry, position(body)).catch(conflict);
    noteAudit(res, { target: { id: stored.id } });
    await this.changed();
    res.status(201);
    return stored;
  }

  @Put(':id')
  @RequireRole('admin')
  async update(@Param('id') id: string, @Body() body: unknown, @Res({ passthrough: true }) res: Response): Promise<StoredAeMapEntry> {
    noteAudit(res, { action: 'ae-map.update', target: { id } });
    const existing = await this.admin.aeMap.get(id);
    if (!existing) throw new Problem(404, `no AE map entry ${JSON.stringify(id)}`);
    const entry = checked(() => checkAeMapEntry(body, existing));
    noteAudit(res, { target: { aeTitle: entry.aeTitle } });
    const stored = await this.admin.aeMap.update(id, entry, position(body)).catch(conflict);
    if (!stored) throw new Problem(404, `no AE map entry ${JSON.stringify(id)}`);
    await this.changed();
    return stored;
  }

  @Delete(':id')
  @RequireRole('admin')
  @HttpCode(200)
  async remove(@Param('id') id: string, @Res({ passthrough: true }) res: Response): Promise<StoredAeMapEntry> {
    noteAudit(res, { action: 'ae-map.delete', target: { id } });
    const removed = await this.admin.aeMap.remove(id);
    if (!removed) throw new Problem(404, `no AE map entry ${JSON.stringify(id)}`);
    noteAudit(res, { target: { aeTitle: removed.aeTitle } });
    await this.changed();
    return removed;
  }

  private changed(): Promise<void> {
    return announceAeMapChanged(this.admin.bus, this.admin.aeMapSubjects, this.admin.ctx.logger);
  }
}

function conflict(err: unknown): never {
  if (err instanceof AeTitleTakenError) throw new Problem(409, err.message);
  throw err;
}
