/** A rule that cannot mean anything sensible; `path` names the config key (importRules[2].actions[0].tag). */
export class InvalidImportRuleError extends Error {
  override readonly name = 'InvalidImportRuleError';
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${path}: ${reason}`);
  }
}

/**
 * A rule matched but could not be carried out on this data set (a value outside the data
 * set's character set, a change to an attribute beyond the collected header). The object is
 * not stored: storing it unchanged would store what the rules say must not be stored.
 */
export class ImportRuleFailedError extends Error {
  override readonly name = 'ImportRuleFailedError';
  constructor(
    readonly rule: string,
    reason: string,
  ) {
    super(`import rule ${rule} could not be applied: ${reason}`);
  }
}
