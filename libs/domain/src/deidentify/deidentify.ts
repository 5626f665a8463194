// PS3.15 Annex E.1: de-identification of a header (the data set up to Pixel Data) by the Basic
// Application Level Confidentiality Profile. Pure: the caller reads and writes the bytes.
import {
  DataSet, bytesToStrings, isPrivateGroup, isValidUid, isVr, stringsToBytes, tagElement, tagForKeyword, vrInfo, type DataElement, type Vr,
} from '@pacs/dicom';
import { BASIC_PROFILE, BASIC_PROFILE_CODE, BASIC_PROFILE_METHOD, repeatingGroupAction, type DeidentAction } from './basic-profile';
import type { UidMapping } from './uid-mapping';

export interface DeidentifyOptions {
  /** Replacement of every "U" attribute's UIDs, consistent across the study. */
  uids: UidMapping;
  /** New Patient's Name (0010,0010) and Patient ID (0010,0020): a pseudonym, never the original. */
  patientName: string;
  patientId: string;
  /** Tags the caller keeps as they are (action K instead of the profile's). */
  keep?: ReadonlySet<number>;
}

/** What was done, for logs and tests: per action, the tags it touched at any depth. */
export interface DeidentifyReport {
  removed: Set<number>;
  zeroed: Set<number>;
  dummied: Set<number>;
  uidsReplaced: Set<number>;
  privateRemoved: number;
}

const tagOf = (keyword: string): number => {
  const tag = tagForKeyword(keyword);
  if (tag === undefined) throw new Error(`keyword ${keyword} missing from the data dictionary`);
  return tag;
};

const ACTIONS: ReadonlyMap<number, DeidentAction> = new Map(Object.entries(BASIC_PROFILE).map(([keyword, action]) => [tagOf(keyword), action]));

/** The profile's action for a tag (table, then repeating groups); undefined: not in Table E.1-1, kept. */
export function basicProfileAction(tag: number): DeidentAction | undefined {
  return ACTIONS.get(tag >>> 0) ?? repeatingGroupAction(tag >>> 0);
}

/** Tags the profile replaces by new UIDs (action U): the caller may not keep them. */
export const UID_REPLACED_TAGS: ReadonlySet<number> = new Set([...ACTIONS].filter(([, a]) => a === 'U').map(([t]) => t));

const TAG = {
  PatientName: tagOf('PatientName'),
  PatientID: tagOf('PatientID'),
  PatientIdentityRemoved: tagOf('PatientIdentityRemoved'),
  DeidentificationMethod: tagOf('DeidentificationMethod'),
  DeidentificationMethodCodeSequence: tagOf('DeidentificationMethodCodeSequence'),
  CodeValue: tagOf('CodeValue'),
  CodingSchemeDesignator: tagOf('CodingSchemeDesignator'),
  CodeMeaning: tagOf('CodeMeaning'),
} as const;

/** PS3.15 E.3.1 "D": a non-zero length dummy value consistent with the VR. */
const DUMMY_TEXT: Partial<Record<Vr, string>> = {
  PN: 'ANONYMOUS', DA: '19000101', TM: '000000', DT: '19000101000000', AS: '000Y', DS: '0', IS: '0',
  CS: 'ANONYMIZED', SH: 'ANONYMIZED', LO: 'ANONYMIZED', ST: 'ANONYMIZED', LT: 'ANONYMIZED', UT: 'ANONYMIZED', UC: 'ANONYMIZED', AE: 'ANONYMIZED',
};

/**
 * De-identifies `ds` in place: the actions of Table E.1-1 at every depth (an attribute is handled
 * the same wherever it occurs, PS3.15 E.1.1), private attributes removed (E.1-1 "Private
 * attributes": X), group lengths dropped (retired, PS3.5 §7.2, and wrong after the change), then
 * the new patient identity and the de-identification markers of the SOP Common module
 * (PS3.3 C.12.1.1.4): Patient Identity Removed YES, De-identification Method and its Code Sequence.
 */
export function deidentify(ds: DataSet, options: DeidentifyOptions): DeidentifyReport {
  const report: DeidentifyReport = { removed: new Set(), zeroed: new Set(), dummied: new Set(), uidsReplaced: new Set(), privateRemoved: 0 };
  processDataSet(ds, options, report);
  setAscii(ds, TAG.PatientName, 'PN', options.patientName);
  setAscii(ds, TAG.PatientID, 'LO', options.patientId);
  setAscii(ds, TAG.PatientIdentityRemoved, 'CS', 'YES');
  setAscii(ds, TAG.DeidentificationMethod, 'LO', BASIC_PROFILE_METHOD);
  const code = new DataSet();
  setAscii(code, TAG.CodeValue, 'SH', BASIC_PROFILE_CODE.codeValue);
  setAscii(code, TAG.CodingSchemeDesignator, 'SH', BASIC_PROFILE_CODE.codingSchemeDesignator);
  setAscii(code, TAG.CodeMeaning, 'LO', BASIC_PROFILE_CODE.codeMeaning);
  ds.setSequence(TAG.DeidentificationMethodCodeSequence, [code]);
  return report;
}

function processDataSet(ds: DataSet, options: DeidentifyOptions, report: DeidentifyReport): void {
  for (const element of [...ds]) {
    const tag = element.tag >>> 0;
    if (isPrivateGroup(tag >>> 16)) {
      ds.delete(tag);
      report.privateRemoved++;
      continue;
    }
    if (tagElement(tag) === 0x0000) {
      ds.delete(tag);
      continue;
    }
    const action = options.keep?.has(tag) ? 'K' : basicProfileAction(tag);
    switch (action) {
      case 'K':
        break;
      case 'X':
      case 'C':
        // Cleaning descriptors (C) belongs to an option, not to the Basic Profile: removed here.
        ds.delete(tag);
        report.removed.add(tag);
        break;
      case 'Z':
        zero(ds, element);
        report.zeroed.add(tag);
        break;
      case 'D':
        dummy(ds, element, options, report);
        report.dummied.add(tag);
        break;
      case 'U':
        if (replaceUids(ds, element, options.uids)) report.uidsReplaced.add(tag);
        break;
      case undefined:
        // Not in the table: kept, but its items are de-identified like the top level.
        if (element.kind === 'sequence') for (const item of element.items) processDataSet(item.dataSet, options, report);
        break;
    }
  }
}

function zero(ds: DataSet, element: DataElement): void {
  if (element.kind === 'value') ds.set({ ...element, value: Buffer.alloc(0) });
  else if (element.kind === 'sequence') ds.set({ ...element, items: [] });
  else ds.delete(element.tag);
}

function dummy(ds: DataSet, element: DataElement, options: DeidentifyOptions, report: DeidentifyReport): void {
  if (element.kind === 'sequence') {
    // A sequence to be "dummied" keeps its items with their identifying content de-identified.
    for (const item of element.items) processDataSet(item.dataSet, options, report);
    return;
  }
  const text = isVr(element.vr) ? DUMMY_TEXT[element.vr] : undefined;
  if (element.kind === 'value' && text !== undefined) {
    ds.set({ ...element, value: stringsToBytes([text], element.vr as Vr, []) });
  } else if (element.kind === 'value' && isVr(element.vr) && vrInfo(element.vr).kind === 'binary') {
    ds.set({ ...element, value: Buffer.alloc(element.value.length) });
  } else {
    ds.delete(element.tag);
  }
}

/**
 * Text of the default repertoire (PS3.5 §6.1.2.1), valid unchanged in every Specific Character
 * Set, including ISO 2022 ones (G0 is ASCII): written without re-encoding.
 */
function setAscii(ds: DataSet, tag: number, vr: Vr, text: string): void {
  if (!/^[\x20-\x7e]*$/.test(text)) throw new RangeError(`value for ${tag.toString(16)} is not text of the default repertoire`);
  ds.set({ kind: 'value', tag, vr, value: stringsToBytes([text], vr, []) });
}

/** Replaces every valid UID of a UI element by its mapped value; true when something changed. */
function replaceUids(ds: DataSet, element: DataElement, uids: UidMapping): boolean {
  if (element.kind !== 'value') return false;
  const old = bytesToStrings(element.value, 'UI', []);
  if (old.length === 0) return false;
  const mapped = old.map((u) => (isValidUid(u) ? uids(u) : u));
  if (mapped.every((u, i) => u === old[i])) return false;
  ds.set({ ...element, value: stringsToBytes(mapped, 'UI') });
  return true;
}
