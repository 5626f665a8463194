// PS3.18 §F.2: DataSet → DICOM JSON Model. Text is decoded under (0008,0005) (PS3.5 §6.1), so
// the JSON holds Unicode and (0008,0005) itself becomes "ISO_IR 192": the old value no longer
// describes the text, and reading the JSON back then yields UTF-8 (DCMTK's dcm2json does the same).
import type { DataElement, EncapsulatedElement, ValueElement } from '../data-element';
import type { DataSet } from '../data-set';
import { ITEM, SEQUENCE_DELIMITATION_ITEM, SPECIFIC_CHARACTER_SET } from '../tag';
import { bytesToBigInts, bytesToNumbers, bytesToStrings } from '../values';
import { isVr, vrInfo } from '../vr';
import { jsonKey, type DicomJson, type DicomJsonAttribute, type DicomJsonPersonName, type DicomJsonValue } from './dicom-json';

const UTF8 = 'ISO_IR 192';

export function toDicomJson(ds: DataSet): DicomJson {
  const out: DicomJson = {};
  for (const element of ds) out[jsonKey(element.tag)] = elementToDicomJson(element, ds);
  return out;
}

/** One attribute; `container` is the data set holding it, which supplies the character set. */
export function elementToDicomJson(element: DataElement, container: DataSet): DicomJsonAttribute {
  switch (element.kind) {
    case 'sequence': {
      const items = element.items.map((item) => toDicomJson(item.dataSet));
      return items.length === 0 ? { vr: 'SQ' } : { vr: 'SQ', Value: items };
    }
    case 'encapsulated':
      return { vr: element.vr, InlineBinary: encapsulatedBytes(element).toString('base64') };
    case 'value':
      return valueToJson(element, container);
  }
}

function valueToJson(e: ValueElement, container: DataSet): DicomJsonAttribute {
  const vr = isVr(e.vr) ? e.vr : 'UN';
  const info = vrInfo(vr);
  if (e.value.length === 0) return { vr };
  if (info.kind === 'string') {
    if (e.tag === SPECIFIC_CHARACTER_SET) return { vr, Value: [UTF8] };
    const strings = bytesToStrings(e.value, vr, info.usesSpecificCharacterSet ? container.specificCharacterSet() : []);
    if (strings.length === 0 || (strings.length === 1 && strings[0] === '')) return { vr };
    return { vr, Value: strings.map((s) => stringToJson(s, vr)) };
  }
  switch (vr) {
    case 'AT':
      return { vr, Value: bytesToNumbers(e.value, vr).map(jsonKey) };
    case 'US':
    case 'SS':
    case 'UL':
    case 'SL':
      return { vr, Value: bytesToNumbers(e.value, vr) };
    case 'FD':
      return { vr, Value: bytesToNumbers(e.value, vr).map(nonFiniteAsString) };
    case 'FL':
      return { vr, Value: bytesToNumbers(e.value, vr).map((v) => nonFiniteAsString(shortestFloat32(v))) };
    case 'SV':
    case 'UV':
      return { vr, Value: bytesToBigInts(e.value, vr).map(bigIntToJson) };
    default:
      return { vr, InlineBinary: e.value.toString('base64') };
  }
}

function stringToJson(s: string, vr: string): DicomJsonValue {
  if (s === '') return null;
  switch (vr) {
    case 'PN':
      return personNameToJson(s);
    case 'IS':
    case 'DS': {
      // PS3.18 Table F.2.3-1 maps IS/DS to JSON numbers; a value that is not a number (invalid
      // DS seen in the wild) stays a string rather than being lost.
      const n = Number(s);
      return Number.isFinite(n) ? n : s;
    }
    default:
      return s;
  }
}

/** PS3.18 §F.2.2: one member per non-empty component group. */
function personNameToJson(value: string): DicomJsonPersonName | null {
  const [alphabetic = '', ideographic = '', phonetic = ''] = value.split('=');
  const pn: DicomJsonPersonName = {};
  if (alphabetic !== '') pn.Alphabetic = alphabetic;
  if (ideographic !== '') pn.Ideographic = ideographic;
  if (phonetic !== '') pn.Phonetic = phonetic;
  return Object.keys(pn).length === 0 ? null : pn;
}

/** JSON has no NaN or infinities; they travel as the strings "NaN", "Infinity", "-Infinity". */
function nonFiniteAsString(v: number): number | string {
  return Number.isFinite(v) ? v : String(v);
}

/** The shortest decimal that reads back as the same 32-bit float (0.1, not 0.10000000149011612). */
function shortestFloat32(v: number): number {
  if (!Number.isFinite(v)) return v;
  for (let p = 1; p <= 9; p++) {
    const candidate = Number(v.toPrecision(p));
    if (Math.fround(candidate) === v) return candidate;
  }
  return v;
}

/** PS3.18 Table F.2.3-1: SV/UV are numbers, strings when beyond the exactly representable range. */
function bigIntToJson(v: bigint): number | string {
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
}

/** PS3.5 §A.4 encoding of the fragments: items, then the sequence delimiter. */
export function encapsulatedBytes(element: EncapsulatedElement): Buffer {
  const parts: Buffer[] = [];
  const header = (tag: number, length: number): Buffer => {
    const b = Buffer.alloc(8);
    b.writeUInt16LE(tag >>> 16, 0);
    b.writeUInt16LE(tag & 0xffff, 2);
    b.writeUInt32LE(length, 4);
    return b;
  };
  for (const fragment of element.fragments) parts.push(header(ITEM, fragment.length), fragment);
  parts.push(header(SEQUENCE_DELIMITATION_ITEM, 0));
  return Buffer.concat(parts);
}
