import type { DataSet } from '@pacs/dicom';
import { applyAction, dropGroupLengths } from './actions';
import type { CompiledImportRule } from './compiled';
import type { ImportContext } from './import-rule';
import { matchesRule } from './match';

export type ImportDecision =
  | {
      kind: 'store';
      /** Whether any rule changed the data set (it must then be re-encoded). */
      modified: boolean;
      /** Top-level tags changed by rules that are not silent: non-empty means 0xB000 (PS3.4 B.2.3). */
      coerced: number[];
      /** Storage tier chosen by a rule (the last one wins); undefined: the configured default. */
      tier: string | undefined;
      /** Names of the rules that matched, in order. */
      applied: string[];
    }
  | { kind: 'reject'; status: number; comment: string; rule: string };

/** The compiled rules of the configuration, applied in order to each incoming header. */
export class ImportRules {
  constructor(readonly rules: readonly CompiledImportRule[]) {}

  get size(): number {
    return this.rules.length;
  }

  /**
   * Applies every matching rule, in order, to `ds` in place; a later rule sees the changes of
   * the earlier ones (as Conquest's ImportConverters do). A reject ends the evaluation.
   * Throws ImportRuleFailedError when a matching rule cannot be carried out.
   */
  apply(ctx: ImportContext, ds: DataSet): ImportDecision {
    const coerced = new Set<number>();
    const applied: string[] = [];
    let modified = false;
    let tier: string | undefined;
    for (const rule of this.rules) {
      if (!matchesRule(rule.match, ctx, ds)) continue;
      applied.push(rule.name);
      for (const action of rule.actions) {
        if (action.kind === 'reject') return { kind: 'reject', status: action.status, comment: action.comment, rule: rule.name };
        if (action.kind === 'tier') {
          tier = action.tier;
          continue;
        }
        const changed = applyAction(ds, action, rule.name);
        if (changed.length > 0) modified = true;
        if (!rule.silent) for (const tag of changed) coerced.add(tag);
      }
    }
    if (modified) dropGroupLengths(ds);
    return { kind: 'store', modified, coerced: [...coerced].sort((a, b) => a - b), tier, applied };
  }
}
