import { InvalidImportRuleError, compileImportRules, type ImportRules } from '@pacs/domain';
import { ConfigError, type PacsConfig } from '@pacs/platform';

/** The configured import rules, compiled; a rule that means nothing is a ConfigError naming it (exit 78). */
export function importRulesFromConfig(config: PacsConfig): ImportRules {
  try {
    return compileImportRules(config.importRules, { uidSecret: config.ingest.uidRemapSecret });
  } catch (err) {
    if (err instanceof InvalidImportRuleError) throw new ConfigError(err.path, err.reason);
    throw err;
  }
}
