// PS3.18 §F.2: DICOM JSON Model → DataSet. Text values of the VRs (0008,0005) governs are
// written as UTF-8 under "ISO_IR 192" when any of them is not ASCII; all-ASCII text is
// valid under any character set, so the (0008,0005) given is then kept.
import type { DataElement, SequenceItem } from '../data-element';
import { DataSet } from '../data-set';
import { encodeText } from '../charset/specific-character-set';
import { ITEM, PIXEL_DATA, SEQUENCE_DELIMITATION_ITEM, SPECIFIC_CHARACTER_SET } from '../tag';
import { formatDecimalString, numbersToBytes, padEven } from '../values';
import { isVr, vrInfo, type Vr } from '../vr';
import { DicomJsonError, type DicomJson, type DicomJsonAttribute, type DicomJsonValue } from './dicom-json';

export interface FromDicomJsonOptions {
  /** Fetches the bytes a BulkDataURI names; without it, a BulkDataURI is a DicomJsonError. */
  resolveBulkData?: (uri: string, tag: number, vr: string) => Buffer;
}

const ISO_IR_192 = 'ISO_IR 192';
const UTF8 = [ISO_IR_192];
const KEY = /^[0-9A-Fa-f]{8}$/;

export function fromDicomJson(json: DicomJson, options: FromDicomJsonOptions = {}): DataSet {
  const utf8 = hasNonAsciiText(json);
  const ds = new Builder(utf8, options).dataSet(json, undefined);
  if (utf8 && !ds.has(SPECIFIC_CHARACTER_SET)) ds.setStrings(SPECIFIC_CHARACTER_SET, ISO_IR_192, 'CS');
  return ds;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function hasNonAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return true;
  return false;
}

/** Whether any value of a VR that (0008,0005) applies to, at any depth, is outside ASCII. */
function hasNonAsciiText(json: DicomJson): boolean {
  if (!isPlainObject(json)) return false;
  for (const attr of Object.values(json)) {
    if (!isPlainObject(attr) || !Array.isArray(attr.Value)) continue;
    const values = attr.Value as unknown[];
    if (attr.vr === 'SQ') {
      if (values.some((item) => isPlainObject(item) && hasNonAsciiText(item as DicomJson))) return true;
    } else if (typeof attr.vr === 'string' && vrInfo(attr.vr).usesSpecificCharacterSet) {
      for (const v of values) {
        if (typeof v === 'string' && hasNonAscii(v)) return true;
        if (isPlainObject(v) && Object.values(v).some((g) => typeof g === 'string' && hasNonAscii(g))) return true;
      }
    }
  }
  return false;
}

class Builder {
  constructor(
    private readonly utf8: boolean,
    private readonly options: FromDicomJsonOptions,
  ) {}

  dataSet(json: unknown, parent: DataSet | undefined, key = ''): DataSet {
    if (!isPlainObject(json)) throw new DicomJsonError('invalid-value', key || 'root', 'a data set must be a JSON object');
    const ds = new DataSet(parent);
    const entries = Object.entries(json).map(([k, attr]) => {
      if (!KEY.test(k)) throw new DicomJsonError('invalid-tag', k, 'a key must be eight hex digits (PS3.18 §F.2.1.1)');
      return { key: k, tag: parseInt(k, 16) >>> 0, attr };
    });
    entries.sort((a, b) => a.tag - b.tag);
    for (const { key: k, tag, attr } of entries) ds.append(this.element(k, tag, attr, ds));
    return ds;
  }

  private element(key: string, tag: number, attr: unknown, container: DataSet): DataElement {
    if (!isPlainObject(attr) || typeof attr.vr !== 'string') throw new DicomJsonError('invalid-vr', key, 'attribute without "vr"');
    const vr = attr.vr;
    if (!isVr(vr)) throw new DicomJsonError('invalid-vr', key, `unknown VR ${JSON.stringify(vr)}`);
    const a = attr as unknown as DicomJsonAttribute;
    if (a.Value !== undefined && !Array.isArray(a.Value)) throw new DicomJsonError('invalid-value', key, '"Value" must be an array');
    if (vr === 'SQ') {
      const items: SequenceItem[] = (a.Value ?? []).map((item) => ({ dataSet: this.dataSet(item, container, key), undefinedLength: true }));
      return { kind: 'sequence', tag, vr, items, undefinedLength: true };
    }
    if (vrInfo(vr).kind === 'binary' && vr !== 'AT' && !isNumericVr(vr)) return this.binary(key, tag, vr, a, container);
    if (a.InlineBinary !== undefined || a.BulkDataURI !== undefined) {
      throw new DicomJsonError('invalid-value', key, `VR ${vr} takes "Value", not bulk data`);
    }
    return { kind: 'value', tag, vr, value: this.values(key, tag, vr, a.Value ?? []) };
  }

  private binary(key: string, tag: number, vr: Vr, a: DicomJsonAttribute, container: DataSet): DataElement {
    if (a.Value !== undefined) throw new DicomJsonError('invalid-value', key, `VR ${vr} takes "InlineBinary" or "BulkDataURI", not "Value"`);
    let bytes: Buffer;
    if (typeof a.InlineBinary === 'string') {
      bytes = Buffer.from(a.InlineBinary, 'base64');
    } else if (typeof a.BulkDataURI === 'string') {
      if (!this.options.resolveBulkData) throw new DicomJsonError('unresolved-bulk-data', key, `no resolver for ${a.BulkDataURI}`);
      bytes = this.options.resolveBulkData(a.BulkDataURI, tag, vr);
    } else {
      // No value, or a value left out by whoever stored the JSON: an empty attribute.
      bytes = Buffer.alloc(0);
    }
    if (tag === PIXEL_DATA && container.parent === undefined && isEncapsulated(bytes)) {
      return { kind: 'encapsulated', tag, vr, fragments: readFragments(key, bytes) };
    }
    return { kind: 'value', tag, vr, value: padEven(bytes, 0) };
  }

  private values(key: string, tag: number, vr: Vr, values: DicomJsonValue[]): Buffer {
    const info = vrInfo(vr);
    try {
      if (vr === 'AT') return numbersToBytes(values.map((v) => attributeTag(key, v)), vr);
      if (vr === 'SV' || vr === 'UV') return bigIntsToBytes(key, vr, values);
      if (isNumericVr(vr)) {
        return numbersToBytes(values.map((v) => numericValue(key, vr, v)), vr);
      }
      if (!info.multiValued && values.length > 1) throw new DicomJsonError('invalid-value', key, `VR ${vr} takes a single value`);
      const text = values.map((v) => this.stringValue(key, vr, v)).join('\\');
      if (tag === SPECIFIC_CHARACTER_SET) return padEven(encodeText(this.utf8 ? ISO_IR_192 : text, []), info.padding);
      const raw = info.usesSpecificCharacterSet ? encodeText(text, this.utf8 ? UTF8 : []) : latin1(key, vr, text);
      return padEven(raw, info.padding);
    } catch (e) {
      if (e instanceof DicomJsonError) throw e;
      throw new DicomJsonError('invalid-value', key, (e as Error).message);
    }
  }

  private stringValue(key: string, vr: Vr, v: DicomJsonValue): string {
    if (v === null) return '';
    if (typeof v === 'string') return v;
    if (typeof v === 'number') {
      if (vr === 'IS' && Number.isInteger(v)) return String(v);
      if (vr === 'DS' && Number.isFinite(v)) return formatDecimalString(v);
      throw new DicomJsonError('invalid-value', key, `${v} is not a valid ${vr} value`);
    }
    if (vr === 'PN' && isPlainObject(v)) {
      const group = (g: unknown): string => (typeof g === 'string' ? g : '');
      const pn = v as Record<string, unknown>;
      return [group(pn['Alphabetic']), group(pn['Ideographic']), group(pn['Phonetic'])].join('=').replace(/=+$/, '');
    }
    throw new DicomJsonError('invalid-value', key, `unexpected ${vr} value ${JSON.stringify(v)}`);
  }
}

/**
 * VRs outside (0008,0005) hold the default repertoire; other bytes found in them were read as
 * Latin-1 (one character per byte), so writing them the same way gives the bytes back.
 */
function latin1(key: string, vr: string, text: string): Buffer {
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) > 0xff) throw new DicomJsonError('invalid-value', key, `VR ${vr} cannot hold U+${text.charCodeAt(i).toString(16).toUpperCase().padStart(4, '0')}`);
  }
  return Buffer.from(text, 'latin1');
}

function isNumericVr(vr: string): boolean {
  return vr === 'US' || vr === 'SS' || vr === 'UL' || vr === 'SL' || vr === 'FL' || vr === 'FD' || vr === 'SV' || vr === 'UV';
}

const NON_FINITE: ReadonlySet<unknown> = new Set(['NaN', 'Infinity', '-Infinity']);

function numericValue(key: string, vr: Vr, v: DicomJsonValue): number {
  if (typeof v === 'number') return v;
  if ((vr === 'FL' || vr === 'FD') && NON_FINITE.has(v)) return Number(v);
  throw new DicomJsonError('invalid-value', key, `VR ${vr} values must be numbers`);
}

function attributeTag(key: string, v: DicomJsonValue): number {
  if (typeof v !== 'string' || !KEY.test(v)) throw new DicomJsonError('invalid-value', key, 'AT values must be "GGGGEEEE" strings');
  return parseInt(v, 16) >>> 0;
}

function bigIntsToBytes(key: string, vr: 'SV' | 'UV', values: DicomJsonValue[]): Buffer {
  const out = Buffer.alloc(values.length * 8);
  values.forEach((v, i) => {
    if (typeof v !== 'number' && typeof v !== 'string') throw new DicomJsonError('invalid-value', key, `VR ${vr} values must be numbers or strings`);
    const n = BigInt(v);
    if (vr === 'SV') out.writeBigInt64LE(n, i * 8);
    else out.writeBigUInt64LE(n, i * 8);
  });
  return out;
}

function isEncapsulated(bytes: Buffer): boolean {
  return bytes.length >= 8 && bytes.readUInt16LE(0) === ITEM >>> 16 && bytes.readUInt16LE(2) === (ITEM & 0xffff);
}

/** PS3.5 §A.4: the items of encapsulated pixel data up to the sequence delimiter, lengths checked. */
function readFragments(key: string, bytes: Buffer): Buffer[] {
  const fragments: Buffer[] = [];
  let pos = 0;
  while (pos + 8 <= bytes.length) {
    const tag = ((bytes.readUInt16LE(pos) << 16) | bytes.readUInt16LE(pos + 2)) >>> 0;
    const length = bytes.readUInt32LE(pos + 4);
    pos += 8;
    if (tag === SEQUENCE_DELIMITATION_ITEM) return fragments;
    if (tag !== ITEM || length > bytes.length - pos) throw new DicomJsonError('invalid-value', key, 'malformed encapsulated pixel data');
    fragments.push(bytes.subarray(pos, pos + length));
    pos += length;
  }
  throw new DicomJsonError('invalid-value', key, 'encapsulated pixel data without sequence delimiter');
}
