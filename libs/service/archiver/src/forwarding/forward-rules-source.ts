// The forwarding rules that run: the database's (seeded from archiver.forwardRules at start,
// edited through admin-api), compiled, and compiled again whenever the table changed, so an edit
// applies to the next batch of received objects on every archiver replica without a restart.
import { compileForwardRules, InvalidForwardRuleError, type CompiledForwardRule, type ForwardRuleConfig } from '@pacs/domain';
import type { ForwardRuleRepository } from '@pacs/persistence';
import type { Logger } from '@pacs/platform';

export class ForwardRulesSource {
  private cached: { version: string; rules: CompiledForwardRule[] } | undefined;

  constructor(
    private readonly repository: ForwardRuleRepository,
    private readonly logger: Logger,
  ) {}

  async current(): Promise<CompiledForwardRule[]> {
    const version = await this.repository.version();
    if (this.cached?.version === version) return this.cached.rules;
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
    this.cached = { version, rules };
    return rules;
  }
}
