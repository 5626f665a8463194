// Forwarding rules (issue 8; Conquest's ExportConverters) edited through the API. The archiver
// reads the table every few seconds, so a rule changed here applies to the next received object
// on every replica. Rules from the configuration (archiver.forwardRules) belong to it: they are
// listed, but changing or deleting them here is a 409 naming the key to edit instead.
import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Put, Res } from '@nestjs/common';
import { compileForwardRules, InvalidForwardRuleError } from '@pacs/domain';
import { ForwardRuleRepository, type StoredForwardRule } from '@pacs/persistence';
import { forwardRuleSchema } from '@pacs/platform';
import type { Response } from 'express';
import type { AdminContext } from '../admin-context';
import { RequireRole } from '../auth/auth';
import { noteAudit } from '../auth/audit';
import { Problem } from '../http-problem';
import { ADMIN_CONTEXT } from '../tokens';

const CONFIGURED = 'comes from the configuration (archiver.forwardRules): change it there';

/** The rule as the archiver will read it (defaults filled in), or a 400 naming the field. */
export function checkForwardRule(name: string, body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new Problem(400, 'body: a JSON object (a forwarding rule)');
  const given = (body as Record<string, unknown>)['name'];
  if (given !== undefined && given !== name) throw new Problem(400, `name: ${JSON.stringify(given)} differs from the rule in the URL (${JSON.stringify(name)})`);
  const parsed = forwardRuleSchema.safeParse({ ...body, name });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Problem(400, `${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}`);
  }
  try {
    compileForwardRules([parsed.data], 'rule');
  } catch (err) {
    if (err instanceof InvalidForwardRuleError) throw new Problem(400, `${err.path.replace(/^rule\[0\]\.?/, '') || 'rule'}: ${err.reason}`);
    throw err;
  }
  return parsed.data;
}

function ruleName(name: string): string {
  if (name.length < 1 || name.length > 64) throw new Problem(400, 'name: 1 to 64 characters');
  return name;
}

@Controller('api/forward-rules')
export class ForwardRulesController {
  private readonly rules: ForwardRuleRepository;

  constructor(@Inject(ADMIN_CONTEXT) admin: AdminContext) {
    this.rules = new ForwardRuleRepository(admin.db);
  }

  @Get()
  async list(): Promise<{ items: StoredForwardRule[] }> {
    return { items: await this.rules.list() };
  }

  @Get(':name')
  async get(@Param('name') name: string): Promise<StoredForwardRule> {
    const rule = await this.rules.get(ruleName(name));
    if (!rule) throw new Problem(404, `no forwarding rule ${JSON.stringify(name)}`);
    return rule;
  }

  /** Creates (201) or replaces (200) a rule; the body is a rule as in archiver.forwardRules. */
  @Put(':name')
  @RequireRole('admin')
  async put(@Param('name') name: string, @Body() body: unknown, @Res({ passthrough: true }) res: Response): Promise<StoredForwardRule> {
    noteAudit(res, { action: 'forward-rule.put', target: { name } });
    const definition = checkForwardRule(ruleName(name), body);
    const outcome = await this.rules.put(name, definition);
    if (outcome === 'configured') throw new Problem(409, `forwarding rule ${JSON.stringify(name)} ${CONFIGURED}`);
    res.status(outcome === 'created' ? 201 : 200);
    return { name, definition, source: 'api' };
  }

  @Delete(':name')
  @RequireRole('admin')
  @HttpCode(200)
  async remove(@Param('name') name: string, @Res({ passthrough: true }) res: Response): Promise<{ name: string }> {
    noteAudit(res, { action: 'forward-rule.delete', target: { name } });
    const outcome = await this.rules.remove(ruleName(name));
    if (outcome === 'unknown') throw new Problem(404, `no forwarding rule ${JSON.stringify(name)}`);
    if (outcome === 'configured') throw new Problem(409, `forwarding rule ${JSON.stringify(name)} ${CONFIGURED}`);
    return { name };
  }
}
