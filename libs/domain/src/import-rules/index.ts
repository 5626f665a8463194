export type {
  AttributeConditionConfig, ImportActionConfig, ImportContext, ImportMatchConfig, ImportRuleConfig, ImportRuleOptions, SetValue,
} from './import-rule';
export { compileImportRules, isStoreFailureStatus } from './compile';
export { ImportRules, type ImportDecision } from './import-rules';
export { InvalidImportRuleError, ImportRuleFailedError } from './errors';
export { remappedUid, NEW_UIDS_KEYWORDS } from './new-uids';
export { dropGroupLengths } from './actions';
