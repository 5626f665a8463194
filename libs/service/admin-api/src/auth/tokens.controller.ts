import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Query, Res } from '@nestjs/common';
import { API_ROLES, TokenNameTakenError, type ApiRole, type ApiToken, type AuditEntry } from '@pacs/persistence';
import type { Response } from 'express';
import type { AdminContext } from '../admin-context';
import { paging, Problem, textParam } from '../http-problem';
import { ADMIN_CONTEXT } from '../tokens';
import { actorOf, generateToken, hashToken, RequireRole } from './auth';
import { noteAudit } from './audit';

/** API tokens (admins only). The token itself is in the answer of POST, once, and never again. */
@Controller('api/tokens')
@RequireRole('admin')
export class TokensController {
  constructor(@Inject(ADMIN_CONTEXT) private readonly admin: AdminContext) {}

  @Get()
  async list(): Promise<{ items: ApiToken[] }> {
    return { items: await this.admin.tokens.list() };
  }

  @Post()
  async create(@Body() body: unknown, @Res({ passthrough: true }) res: Response): Promise<ApiToken & { token: string }> {
    const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    const name = b['name'];
    const role = b['role'];
    if (typeof name !== 'string' || !/^[A-Za-z0-9._@-]{1,64}$/.test(name)) throw new Problem(400, 'name: 1-64 letters, digits, . _ @ -');
    if (typeof role !== 'string' || !API_ROLES.includes(role as ApiRole)) throw new Problem(400, `role: one of ${API_ROLES.join(', ')}`);
    noteAudit(res, { action: 'token.create', target: { name, role } });
    const token = generateToken();
    try {
      const stored = await this.admin.tokens.create({ name, role: role as ApiRole, sha256: hashToken(token), createdBy: actorOf(res)?.name ?? null });
      res.status(201);
      return { ...stored, token };
    } catch (err) {
      if (err instanceof TokenNameTakenError) throw new Problem(409, err.message);
      throw err;
    }
  }

  @Delete(':id')
  @HttpCode(200)
  async revoke(@Param('id') id: string, @Res({ passthrough: true }) res: Response): Promise<ApiToken> {
    noteAudit(res, { action: 'token.revoke', target: { id } });
    const revoked = await this.admin.tokens.revoke(id);
    if (!revoked) throw new Problem(404, `no token ${JSON.stringify(id)}`);
    return revoked;
  }
}

/** The audit trail, newest first (admins only). */
@Controller('api/audit')
@RequireRole('admin')
export class AuditController {
  constructor(@Inject(ADMIN_CONTEXT) private readonly admin: AdminContext) {}

  @Get()
  async list(@Query() query: Record<string, unknown>): Promise<{ total: number; limit: number; offset: number; items: AuditEntry[] }> {
    const page = paging(query, 100, 1000);
    const date = (name: string): Date | undefined => {
      const v = textParam(query, name, 40);
      if (v === undefined) return undefined;
      const d = new Date(v);
      if (Number.isNaN(d.getTime())) throw new Problem(400, `${name}: an ISO 8601 date-time`);
      return d;
    };
    const since = date('since');
    const until = date('until');
    const actor = textParam(query, 'actor');
    const action = textParam(query, 'action');
    const result = await this.admin.audit.list({ ...page, ...(since ? { since } : {}), ...(until ? { until } : {}), ...(actor ? { actor } : {}), ...(action ? { action } : {}) });
    return { ...result, ...page };
  }
}
