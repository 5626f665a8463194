export {
  InvalidForwardRuleError,
  type ForwardLevel, type ForwardMatchConfig, type ForwardRetryConfig, type ForwardRuleConfig,
} from './forward-rule';
export { jsonAttributeText, type ForwardSubject, type JsonAttribute } from './forward-subject';
export { compileForwardRules, type CompiledForwardRule } from './compile-forward-rules';
export { planForwards, forwardRetryDelay, type ForwardIds, type ForwardJobSpec } from './plan-forwards';
