import { isValidUid, isVr, parseTag, tagGroup, tagElement, implicitVr, vrInfo, InvalidTagError, SPECIFIC_CHARACTER_SET, type Vr } from '@pacs/dicom';
import type { CompiledAction, CompiledCondition, CompiledImportRule, CompiledMatch } from './compiled';
import { InvalidImportRuleError } from './errors';
import type { AttributeConditionConfig, ImportActionConfig, ImportMatchConfig, ImportRuleConfig, ImportRuleOptions } from './import-rule';
import { ImportRules } from './import-rules';
import { wildcardPattern } from './wildcard';

const SOP_CLASS_UID = 0x00080016;
/** Without these the object cannot be stored or indexed: rules may change, never remove them. */
const KEY_UIDS = new Set([0x00080018, 0x0020000d, 0x0020000e]);
/** Pixel Data and what follows it are never part of the header the rules see. */
const FIRST_BULK_TAG = 0x7fe00008;
const SETTABLE_NUMERIC_VRS: ReadonlySet<string> = new Set(['US', 'SS', 'UL', 'SL', 'FL', 'FD']);
const INTEGER_RANGE: Readonly<Record<string, readonly [number, number]>> = {
  US: [0, 0xffff], SS: [-0x8000, 0x7fff], UL: [0, 0xffffffff], SL: [-0x80000000, 0x7fffffff],
};
/** PS3.5 Table 6.2-1 maximum length of one value, in characters. */
const MAX_VALUE_LENGTH: Readonly<Record<string, number>> = {
  AE: 16, AS: 4, CS: 16, DA: 8, DS: 16, DT: 26, IS: 12, LO: 64, LT: 10240, SH: 16, ST: 1024, TM: 14, UI: 64,
};
const TIER = /^[a-z][a-z0-9-]*$/;

/** C-STORE failure statuses a rule may answer with (PS3.4 Table B.2-1, PS3.7 Annex C). */
export function isStoreFailureStatus(status: number): boolean {
  return [0x0110, 0x0111, 0x0122, 0x0124].includes(status)
    || (status >= 0xa700 && status <= 0xa7ff)
    || (status >= 0xa900 && status <= 0xa9ff)
    || (status >= 0xc000 && status <= 0xcfff);
}

/** Checks and compiles the configured rules; throws InvalidImportRuleError naming the key. */
export function compileImportRules(rules: readonly ImportRuleConfig[], options: ImportRuleOptions = {}): ImportRules {
  return new ImportRules(rules.map((rule, i) => compileRule(rule, `importRules[${i}]`, options)));
}

function compileRule(rule: ImportRuleConfig, path: string, options: ImportRuleOptions): CompiledImportRule {
  if (rule.actions.length === 0) throw new InvalidImportRuleError(`${path}.actions`, 'a rule needs at least one action');
  return {
    name: rule.name ?? path,
    silent: rule.silent ?? false,
    match: compileMatch(rule.match ?? {}, `${path}.match`),
    actions: rule.actions.map((a, j) => compileAction(a, `${path}.actions[${j}]`, options)),
  };
}

function tagAt(input: string, path: string): number {
  try {
    return parseTag(input);
  } catch (err) {
    if (err instanceof InvalidTagError) throw new InvalidImportRuleError(path, `not a tag or dictionary keyword: ${JSON.stringify(input)}`);
    throw err;
  }
}

function compileMatch(m: ImportMatchConfig, path: string): CompiledMatch {
  const out: CompiledMatch = { attributes: (m.attributes ?? []).map((c, i) => compileCondition(c, `${path}.attributes[${i}]`)) };
  if (m.calledAe !== undefined) out.calledAe = wildcardPattern(m.calledAe.trim());
  if (m.callingAe !== undefined) out.callingAe = wildcardPattern(m.callingAe.trim());
  if (m.modality !== undefined) out.modality = (Array.isArray(m.modality) ? m.modality : [m.modality]).map((p) => wildcardPattern(p.trim()));
  if (m.sopClassUids !== undefined) {
    m.sopClassUids.forEach((uid, i) => {
      if (!isValidUid(uid)) throw new InvalidImportRuleError(`${path}.sopClassUids[${i}]`, `not a valid UID (PS3.5 §9.1): ${JSON.stringify(uid)}`);
    });
    out.sopClassUids = new Set(m.sopClassUids);
  }
  return out;
}

function compileCondition(c: AttributeConditionConfig, path: string): CompiledCondition {
  const tag = tagAt(c.tag, `${path}.tag`);
  const given = [c.equals !== undefined, c.matches !== undefined, c.present !== undefined].filter(Boolean).length;
  if (given !== 1) throw new InvalidImportRuleError(path, 'give exactly one of equals, matches, present');
  if (c.present !== undefined) {
    const want = c.present;
    return { tag, test: (_value, present) => present === want };
  }
  if (c.equals !== undefined) {
    const want = c.equals;
    return { tag, test: (value) => value === want };
  }
  let re: RegExp;
  try {
    re = new RegExp(c.matches as string, 'u');
  } catch (err) {
    throw new InvalidImportRuleError(`${path}.matches`, `not a regular expression: ${(err as Error).message}`);
  }
  return { tag, test: (value) => value !== undefined && re.test(value) };
}

/** A tag a rule may write: in the data set proper, before Pixel Data, not a group length. */
function writableTag(input: string, path: string): number {
  const tag = tagAt(input, path);
  const group = tagGroup(tag);
  if (group <= 0x0002) throw new InvalidImportRuleError(path, 'command and file meta elements are not part of the data set');
  if (tagElement(tag) === 0x0000) throw new InvalidImportRuleError(path, 'group lengths are not written by rules');
  if (tag >= FIRST_BULK_TAG) throw new InvalidImportRuleError(path, 'Pixel Data and later elements are stored untouched');
  if (tag === SOP_CLASS_UID) throw new InvalidImportRuleError(path, 'the SOP Class UID is fixed by the C-STORE request');
  if (tag === SPECIFIC_CHARACTER_SET) throw new InvalidImportRuleError(path, 'changing Specific Character Set would change the meaning of every text value');
  return tag;
}

function compileAction(a: ImportActionConfig, path: string, options: ImportRuleOptions): CompiledAction {
  switch (a.action) {
    case 'set':
      return compileSet(a, path);
    case 'delete': {
      const tag = writableTag(a.tag, `${path}.tag`);
      if (KEY_UIDS.has(tag)) throw new InvalidImportRuleError(`${path}.tag`, 'Study, Series and SOP Instance UID cannot be deleted');
      return { kind: 'delete', tag };
    }
    case 'copy': {
      const from = tagAt(a.from, `${path}.from`);
      const to = writableTag(a.to, `${path}.to`);
      if (KEY_UIDS.has(to)) throw new InvalidImportRuleError(`${path}.to`, 'set a UID with a set action (its value is checked) or use newUids');
      if (from >= FIRST_BULK_TAG) throw new InvalidImportRuleError(`${path}.from`, 'Pixel Data and later elements are not in the header');
      return { kind: 'copy', from, to };
    }
    case 'newUids': {
      if (!options.uidSecret) throw new InvalidImportRuleError(path, 'newUids needs ingest.uidRemapSecret (the same on every listener)');
      const except = new Set((a.except ?? []).map((t, i) => tagAt(t, `${path}.except[${i}]`)));
      return { kind: 'newUids', except, secret: options.uidSecret };
    }
    case 'reject': {
      const status = a.status ?? 0x0124;
      if (!isStoreFailureStatus(status)) {
        throw new InvalidImportRuleError(`${path}.status`, `0x${status.toString(16)} is not a C-STORE failure status (0x0110, 0x0111, 0x0122, 0x0124, 0xA7xx, 0xA9xx, 0xCxxx)`);
      }
      return { kind: 'reject', status, comment: a.comment ?? 'refused by an import rule' };
    }
    case 'tier':
      if (!TIER.test(a.tier)) throw new InvalidImportRuleError(`${path}.tier`, 'a tier name: lower-case letters, digits and -');
      return { kind: 'tier', tier: a.tier };
  }
}

function compileSet(a: Extract<ImportActionConfig, { action: 'set' }>, path: string): CompiledAction {
  const tag = writableTag(a.tag, `${path}.tag`);
  const vr = a.vr ?? implicitVr(tag);
  if (!isVr(vr) || vr === 'UN') throw new InvalidImportRuleError(`${path}.vr`, a.vr === undefined ? 'the tag is not in the dictionary: give its vr' : `unknown VR ${JSON.stringify(vr)}`);
  const values = (Array.isArray(a.value) ? a.value : [a.value]) as ReadonlyArray<string | number>;
  const info = vrInfo(vr);
  if (info.kind === 'string') {
    const strings = values.map(String);
    if (!info.multiValued && strings.length > 1) throw new InvalidImportRuleError(`${path}.value`, `VR ${vr} takes a single value`);
    const max = MAX_VALUE_LENGTH[vr];
    if (max !== undefined) {
      strings.forEach((s) => {
        if (s.length > max) throw new InvalidImportRuleError(`${path}.value`, `longer than the ${max} characters VR ${vr} allows (PS3.5 §6.2)`);
      });
    }
    if (vr === 'UI' || KEY_UIDS.has(tag)) {
      strings.forEach((s) => {
        if (!isValidUid(s)) throw new InvalidImportRuleError(`${path}.value`, `not a valid UID (PS3.5 §9.1): ${JSON.stringify(s)}`);
      });
    }
    if (KEY_UIDS.has(tag) && (vr !== 'UI' || strings.length !== 1)) throw new InvalidImportRuleError(`${path}.value`, 'a key UID takes exactly one UI value');
    return { kind: 'set', tag, vr: vr as Vr, strings, numbers: undefined };
  }
  if (!SETTABLE_NUMERIC_VRS.has(vr)) throw new InvalidImportRuleError(`${path}.vr`, `VR ${vr} cannot be set by a rule (string VRs and ${[...SETTABLE_NUMERIC_VRS].join(', ')} can)`);
  const numbers = values.map((v) => (typeof v === 'number' ? v : Number.NaN));
  if (numbers.some((n) => !Number.isFinite(n))) throw new InvalidImportRuleError(`${path}.value`, `VR ${vr} takes numbers`);
  const range = INTEGER_RANGE[vr];
  if (range && numbers.some((n) => !Number.isInteger(n) || n < range[0] || n > range[1])) {
    throw new InvalidImportRuleError(`${path}.value`, `VR ${vr} takes integers from ${range[0]} to ${range[1]}`);
  }
  return { kind: 'set', tag, vr: vr as Vr, strings: undefined, numbers };
}
