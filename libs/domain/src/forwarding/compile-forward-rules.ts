import { InvalidTagError, isValidUid, jsonKey, parseTag } from '@pacs/dicom';
import { wildcardPattern } from '../import-rules/wildcard';
import { InvalidForwardRuleError, type ForwardLevel, type ForwardMatchConfig, type ForwardRetryConfig, type ForwardRuleConfig } from './forward-rule';
import { jsonAttributeText, type ForwardSubject } from './forward-subject';

export interface CompiledForwardRule {
  name: string;
  destination: string;
  level: ForwardLevel;
  delayMs: number;
  stableMs: number | undefined;
  retry: ForwardRetryConfig;
  matches(subject: ForwardSubject): boolean;
}

type Test = (subject: ForwardSubject) => boolean;

const anyOf = (patterns: string | string[]): RegExp[] => (Array.isArray(patterns) ? patterns : [patterns]).map((p) => wildcardPattern(p.trim()));

/** Checks and compiles forwarding rules; throws InvalidForwardRuleError naming `${path}[i]...`. */
export function compileForwardRules(rules: readonly ForwardRuleConfig[], path = 'archiver.forwardRules'): CompiledForwardRule[] {
  const names = new Set<string>();
  return rules.map((rule, i) => {
    const at = `${path}[${i}]`;
    if (names.has(rule.name)) throw new InvalidForwardRuleError(`${at}.name`, `a second rule named ${JSON.stringify(rule.name)}`);
    names.add(rule.name);
    if (rule.stableMs !== undefined && rule.level === 'instance') throw new InvalidForwardRuleError(`${at}.stableMs`, 'a single instance is never "stable": use delayMs, or level series/study');
    return compileRule(rule, at);
  });
}

function compileRule(rule: ForwardRuleConfig, at: string): CompiledForwardRule {
  const tests = compileMatch(rule.match ?? {}, `${at}.match`);
  return {
    name: rule.name,
    destination: rule.destination.trim(),
    level: rule.level,
    delayMs: rule.delayMs,
    stableMs: rule.stableMs,
    retry: rule.retry,
    matches: (subject) => tests.every((t) => t(subject)),
  };
}

function compileMatch(m: ForwardMatchConfig, at: string): Test[] {
  const tests: Test[] = [];
  // AE titles compare without their non-significant spaces (PS3.5 §6.2 AE).
  if (m.calledAe !== undefined) {
    const re = wildcardPattern(m.calledAe.trim());
    tests.push((s) => re.test(s.calledAe.trim()));
  }
  if (m.callingAe !== undefined) {
    const re = wildcardPattern(m.callingAe.trim());
    tests.push((s) => re.test(s.callingAe.trim()));
  }
  if (m.modality !== undefined) {
    const res = anyOf(m.modality);
    tests.push((s) => res.some((re) => re.test(s.modality)));
  }
  if (m.stationName !== undefined) {
    const res = anyOf(m.stationName);
    tests.push((s) => res.some((re) => re.test(s.stationName)));
  }
  if (m.sopClassUids !== undefined) {
    m.sopClassUids.forEach((uid, i) => {
      if (!isValidUid(uid)) throw new InvalidForwardRuleError(`${at}.sopClassUids[${i}]`, `not a valid UID (PS3.5 §9.1): ${JSON.stringify(uid)}`);
    });
    const classes = new Set(m.sopClassUids);
    tests.push((s) => classes.has(s.sopClassUid));
  }
  (m.attributes ?? []).forEach((c, i) => {
    const path = `${at}.attributes[${i}]`;
    let key: string;
    try {
      key = jsonKey(parseTag(c.tag));
    } catch (err) {
      if (err instanceof InvalidTagError) throw new InvalidForwardRuleError(`${path}.tag`, `not a tag or dictionary keyword: ${JSON.stringify(c.tag)}`);
      throw err;
    }
    const given = [c.equals, c.matches, c.present].filter((v) => v !== undefined).length;
    if (given !== 1) throw new InvalidForwardRuleError(path, 'give exactly one of equals, matches, present');
    if (c.present !== undefined) {
      const want = c.present;
      tests.push((s) => (s.attributes[key] !== undefined) === want);
    } else if (c.equals !== undefined) {
      const want = c.equals;
      tests.push((s) => jsonAttributeText(s.attributes[key]) === want);
    } else {
      let re: RegExp;
      try {
        re = new RegExp(c.matches as string, 'u');
      } catch (err) {
        throw new InvalidForwardRuleError(`${path}.matches`, `not a regular expression: ${(err as Error).message}`);
      }
      tests.push((s) => {
        const value = jsonAttributeText(s.attributes[key]);
        return value !== undefined && re.test(value);
      });
    }
  });
  return tests;
}
