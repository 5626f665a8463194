// The patient- and study-level attributes an operator may change on every instance of a study
// (Conquest dgate's "modify"), and the checks of their values by VR (PS3.5 §6.2). Series- and
// instance-level attributes are not on the list: they differ between instances by design.
import { DataSet, UnsupportedCharacterSetError, stringsToBytes, tagForKeyword, type Vr } from '@pacs/dicom';

interface AttributeRule {
  vr: Vr;
  /** Most characters of one value (PS3.5 Table 6.2-1). */
  max: number;
  pattern?: RegExp;
  hint?: string;
}

const DA = /^\d{4}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])$/;
const TM = /^([01]\d|2[0-3])([0-5]\d([0-5]\d(\.\d{1,6})?)?)?$/;

/** Patient module (PS3.3 C.7.1.1) and General Study module (PS3.3 C.7.2.1) attributes. */
export const MODIFIABLE_ATTRIBUTES: Readonly<Record<string, AttributeRule>> = {
  PatientName: { vr: 'PN', max: 64 * 3 + 2 },
  PatientID: { vr: 'LO', max: 64 },
  IssuerOfPatientID: { vr: 'LO', max: 64 },
  PatientBirthDate: { vr: 'DA', max: 8, pattern: DA, hint: 'a date YYYYMMDD' },
  PatientSex: { vr: 'CS', max: 1, pattern: /^[MFO]$/, hint: 'M, F or O (PS3.3 C.7.1.1)' },
  StudyDate: { vr: 'DA', max: 8, pattern: DA, hint: 'a date YYYYMMDD' },
  StudyTime: { vr: 'TM', max: 16, pattern: TM, hint: 'a time HHMMSS.FFFFFF' },
  AccessionNumber: { vr: 'SH', max: 16 },
  StudyID: { vr: 'SH', max: 16 },
  StudyDescription: { vr: 'LO', max: 64 },
  ReferringPhysicianName: { vr: 'PN', max: 64 * 3 + 2 },
};

/** Attributes a merge copies from the target study into each moved instance. */
export const MERGED_ATTRIBUTES: readonly string[] = Object.keys(MODIFIABLE_ATTRIBUTES);

/** One attribute's new value: text, "" for an empty (zero-length) value, or null to remove it. */
export interface AttributeChange {
  keyword: string;
  tag: number;
  vr: Vr;
  value: string | null;
}

export class InvalidAttributeChangeError extends Error {
  override readonly name = 'InvalidAttributeChangeError';
  constructor(
    /** The request field, e.g. "set.PatientName". */
    readonly field: string,
    reason: string,
  ) {
    super(`${field}: ${reason}`);
  }
}

/** Checks `set` of a modify request: keywords from the allow-list, values valid for their VR. */
export function parseAttributeChanges(set: unknown, field = 'set'): AttributeChange[] {
  if (typeof set !== 'object' || set === null || Array.isArray(set)) throw new InvalidAttributeChangeError(field, 'must be an object of attribute keyword → value');
  const entries = Object.entries(set as Record<string, unknown>);
  if (entries.length === 0) throw new InvalidAttributeChangeError(field, 'names no attribute');
  return entries.map(([keyword, value]) => attributeChange(keyword, value, `${field}.${keyword}`));
}

function attributeChange(keyword: string, value: unknown, field: string): AttributeChange {
  const rule = Object.hasOwn(MODIFIABLE_ATTRIBUTES, keyword) ? MODIFIABLE_ATTRIBUTES[keyword] : undefined;
  const tag = tagForKeyword(keyword);
  if (!rule || tag === undefined) {
    throw new InvalidAttributeChangeError(field, `not a patient/study attribute that can be changed; allowed: ${Object.keys(MODIFIABLE_ATTRIBUTES).join(', ')}`);
  }
  if (value === null) return { keyword, tag, vr: rule.vr, value: null };
  if (typeof value !== 'string') throw new InvalidAttributeChangeError(field, 'must be a string, or null to remove the attribute');
  if (value.length > rule.max) throw new InvalidAttributeChangeError(field, `longer than ${rule.max} characters (${rule.vr}, PS3.5 §6.2)`);
  // One value, no control characters (PS3.5 §6.1.3: text VRs of one line use no CR/LF/ESC).
  if ([...value].some((ch) => ch === '\\' || ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f)) throw new InvalidAttributeChangeError(field, 'must be a single value without backslash or control characters');
  if (value !== '' && rule.pattern && !rule.pattern.test(value)) throw new InvalidAttributeChangeError(field, `must be ${rule.hint ?? `a valid ${rule.vr} value`}`);
  return { keyword, tag, vr: rule.vr, value };
}

/** A change refused by the data set itself (its character set cannot hold the new text). */
export class AttributeEncodingError extends Error {
  override readonly name = 'AttributeEncodingError';
  constructor(
    readonly keyword: string,
    reason: string,
  ) {
    super(`${keyword}: ${reason}`);
  }
}

/**
 * Writes the changes into `ds` (the top level). Text of the default repertoire is written as is
 * (valid in every character set); other text is encoded in the data set's Specific Character Set.
 */
export function applyAttributeChanges(ds: DataSet, changes: readonly AttributeChange[]): void {
  for (const change of changes) {
    if (change.value === null) {
      ds.delete(change.tag);
      continue;
    }
    const ascii = /^[\x20-\x7e]*$/.test(change.value);
    try {
      ds.set({ kind: 'value', tag: change.tag, vr: change.vr, value: stringsToBytes([change.value], change.vr, ascii ? [] : ds.specificCharacterSet()) });
    } catch (err) {
      if (err instanceof UnsupportedCharacterSetError) throw new AttributeEncodingError(change.keyword, `the study's Specific Character Set cannot hold this text: ${err.message}`);
      throw err;
    }
  }
}

/**
 * The merged attributes as the target study has them (decoded text): each becomes a change, an
 * attribute the target lacks is removed, so every instance agrees with the target study.
 */
export function changesFromStudy(target: DataSet): AttributeChange[] {
  return MERGED_ATTRIBUTES.map((keyword) => {
    const tag = tagForKeyword(keyword) as number;
    const rule = MODIFIABLE_ATTRIBUTES[keyword] as AttributeRule;
    return { keyword, tag, vr: rule.vr, value: target.has(tag) ? (target.getString(tag) ?? '') : null };
  });
}
