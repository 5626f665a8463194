// The forwarding rules that run: the database's (seeded from archiver.forwardRules at start,
// editable there), compiled, re-read every few seconds so edits take effect without a restart.
import { compileForwardRules, InvalidForwardRuleError, type CompiledForwardRule, type ForwardRuleConfig } from '@pacs/domain';
import type { ForwardRuleRepository } from '@pacs/persistence';
import type { Logger } from '@pacs/platform';

export class ForwardRulesSource {
  private cached: { at: number; rules: CompiledForwardRule[] } | undefined;

  constructor(
    private readonly repository: ForwardRuleRepository,
    private readonly refreshMs: number,
    private readonly logger: Logger,
  ) {}

  async current(): Promise<CompiledForwardRule[]> {
    const now = Date.now();
    if (this.cached && now - this.cached.at < this.refreshMs) return this.cached.rules;
    const stored = await this.repository.list();
    const rules: CompiledForwardRule[] = [];
    for (const row of stored) {
      if ((row.definition as { enabled?: unknown }).enabled === false) continue;
      try {
        rules.push(...compileForwardRules([row.definition as unknown as ForwardRuleConfig], `forward_rule[${row.name}]`));
      } catch (err) {
        // A bad rule edited into the database: skipped (and said), the others still run.
        if (!(err instanceof InvalidForwardRuleError)) throw err;
        this.logger.error({ rule: row.name, err: err.message }, 'forwarding rule skipped: invalid');
      }
    }
    this.cached = { at: now, rules };
    return rules;
  }
}
