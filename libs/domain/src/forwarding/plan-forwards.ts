// From one stored instance to the forward jobs it asks for. Jobs are keyed so that, at series
// and study level, every instance of the series/study joins one pending job (one association
// sends them all) instead of making its own.
import type { CompiledForwardRule } from './compile-forward-rules';
import type { ForwardLevel, ForwardRetryConfig } from './forward-rule';
import type { ForwardSubject } from './forward-subject';

export interface ForwardIds {
  studyInstanceUid: string;
  seriesInstanceUid: string;
  sopInstanceUid: string;
}

export interface ForwardJobSpec {
  rule: string;
  destination: string;
  level: ForwardLevel;
  /** Same for every instance that joins the same job: rule, destination and the level's UID. */
  target: string;
  /** Run no earlier than this long from now. */
  delayMs: number;
  /** Each instance joining the job pushes its start to this long from now (stable study). */
  stableMs: number | undefined;
  retry: ForwardRetryConfig;
}

export function planForwards(rules: readonly CompiledForwardRule[], subject: ForwardSubject, ids: ForwardIds): ForwardJobSpec[] {
  return rules
    .filter((rule) => rule.matches(subject))
    .map((rule) => {
      const uid = rule.level === 'study' ? ids.studyInstanceUid : rule.level === 'series' ? ids.seriesInstanceUid : ids.sopInstanceUid;
      return {
        rule: rule.name,
        destination: rule.destination,
        level: rule.level,
        target: `${rule.name}|${rule.destination}|${rule.level}|${uid}`,
        delayMs: Math.max(rule.delayMs, rule.stableMs ?? 0),
        stableMs: rule.stableMs,
        retry: rule.retry,
      };
    });
}

/** Wait before the next attempt after `attempts` failed ones (Conquest: hold-off, then retry delay). */
export function forwardRetryDelay(attempts: number, retry: ForwardRetryConfig): number {
  return attempts <= 1 ? retry.holdOffMs : retry.retryDelayMs;
}
