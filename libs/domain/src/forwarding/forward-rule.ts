// Forwarding rules, the modern form of Conquest's ExportConverters: per stored instance,
// matched like import rules (called/calling AE, modality, SOP class, attribute conditions) plus
// station name, then forwarded to an AE at instance, series or study level, at once, after a
// delay, or once the series/study is stable. This is the configuration (and database) shape.
import type { ImportMatchConfig } from '../import-rules';

export type ForwardLevel = 'instance' | 'series' | 'study';

export interface ForwardMatchConfig extends ImportMatchConfig {
  /** Station Name (0008,1010) pattern(s), * and ? wildcards. */
  stationName?: string | string[] | undefined;
}

export interface ForwardRetryConfig {
  maxAttempts: number;
  /** Wait after the first failed attempt. */
  holdOffMs: number;
  /** Wait after every later failed attempt. */
  retryDelayMs: number;
}

export interface ForwardRuleConfig {
  name: string;
  enabled: boolean;
  match?: ForwardMatchConfig | undefined;
  /** AE title; the address comes from the AE map. */
  destination: string;
  level: ForwardLevel;
  delayMs: number;
  /** Series/study level: run once no new matching instance arrived for this long. */
  stableMs?: number | undefined;
  retry: ForwardRetryConfig;
}

/** A rule that cannot mean anything sensible; `path` names the key (archiver.forwardRules[1].match.modality). */
export class InvalidForwardRuleError extends Error {
  override readonly name = 'InvalidForwardRuleError';
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${path}: ${reason}`);
  }
}
