// PS3.6 §6 data dictionary lookups over the generated table (tools/dictionary/generate.mjs).
import { REPEATING_ELEMENTS, STANDARD_ELEMENTS, type RawDictionaryEntry } from './generated/dictionary';
import type { Vr } from './vr';

export interface DictionaryEntry {
  readonly tag: number;
  /** As PS3.6 lists it; alternatives joined by "|" (e.g. "OB|OW", "US|SS"); "" for items and delimiters. */
  readonly vr: string;
  readonly vm: string;
  readonly keyword: string;
  readonly retired: boolean;
  /** For repeating groups (PS3.5 §7.6), the base tag of the range, e.g. 0x60003000. */
  readonly repeatingBase?: number;
}

let byTag: Map<number, RawDictionaryEntry> | undefined;
let byKeyword: Map<string, number> | undefined;

function tables(): { byTag: Map<number, RawDictionaryEntry>; byKeyword: Map<string, number> } {
  if (!byTag || !byKeyword) {
    byTag = new Map(STANDARD_ELEMENTS);
    byKeyword = new Map();
    for (const [tag, e] of STANDARD_ELEMENTS) byKeyword.set(e[2], tag);
    for (const [gMin, , eMin, , e] of REPEATING_ELEMENTS) {
      if (!byKeyword.has(e[2])) byKeyword.set(e[2], ((gMin << 16) | eMin) >>> 0);
    }
  }
  return { byTag, byKeyword };
}

function toEntry(tag: number, e: RawDictionaryEntry, repeatingBase?: number): DictionaryEntry {
  const entry = { tag, vr: e[0], vm: e[1], keyword: e[2], retired: e[3] === 1 };
  return repeatingBase === undefined ? entry : { ...entry, repeatingBase };
}

/**
 * The dictionary entry for a tag: exact match, then repeating groups (50xx, 60xx, 7Fxx,
 * (0020,31xx)), then the generic group length (gggg,0000) and private creators (PS3.5 §7.8.1).
 */
export function lookupTag(tag: number): DictionaryEntry | undefined {
  tag >>>= 0;
  const exact = tables().byTag.get(tag);
  if (exact) return toEntry(tag, exact);
  const group = tag >>> 16;
  const element = tag & 0xffff;
  for (const [gMin, gMax, eMin, eMax, e] of REPEATING_ELEMENTS) {
    if (group >= gMin && group <= gMax && element >= eMin && element <= eMax && (group & 1) === 0) {
      return toEntry(tag, e, ((gMin << 16) | eMin) >>> 0);
    }
  }
  if (element === 0x0000) return { tag, vr: 'UL', vm: '1', keyword: 'GroupLength', retired: false };
  if (isPrivateGroup(group) && element >= 0x0010 && element <= 0x00ff) {
    return { tag, vr: 'LO', vm: '1', keyword: 'PrivateCreator', retired: false };
  }
  return undefined;
}

export function lookupKeyword(keyword: string): DictionaryEntry | undefined {
  const tag = tables().byKeyword.get(keyword);
  return tag === undefined ? undefined : lookupTag(tag);
}

export function tagForKeyword(keyword: string): number | undefined {
  return tables().byKeyword.get(keyword);
}

/** PS3.5 §7.8.1: odd groups are private, except 0001, 0003, 0005, 0007 and FFFF. */
export function isPrivateGroup(group: number): boolean {
  return (group & 1) === 1 && group > 0x0007 && group !== 0xffff;
}

/**
 * The VR to assume for a tag read in Implicit VR Little Endian (PS3.5 Annex A.1): the
 * dictionary VR, with OW for "OB or OW" and US for "US or SS"; UN when unknown or private.
 */
export function implicitVr(tag: number): Vr {
  const entry = lookupTag(tag);
  if (!entry || entry.vr === '') return 'UN';
  switch (entry.vr) {
    case 'OB|OW':
    case 'US|SS|OW':
      return 'OW';
    case 'US|SS':
      return 'US';
    default:
      return entry.vr as Vr;
  }
}
