// Typed views of raw element values (PS3.5 §6.2), and encoders that pad to even length.
import { DicomEncodeError } from './errors';
import { LEADING_SPACE_INSIGNIFICANT, vrInfo, type Vr } from './vr';
import { decodeText } from './charset/decode';
import { encodeText } from './charset/specific-character-set';

/** Trailing NUL (UI padding) and spaces (string padding) are insignificant; writers mix them up, so both go. */
function trimEnd(s: string): string {
  let end = s.length;
  while (end > 0) {
    const c = s.charCodeAt(end - 1);
    if (c === 0x00 || c === 0x20) end--;
    else break;
  }
  return end === s.length ? s : s.slice(0, end);
}

function trimValue(s: string, vr: string): string {
  const t = trimEnd(s);
  return LEADING_SPACE_INSIGNIFICANT.has(vr) ? t.trimStart() : t;
}

/** The whole value as text, padding removed; multi-valued strings keep their backslashes. */
export function bytesToString(value: Buffer, vr: string, specificCharacterSet: readonly string[]): string {
  const text = vrInfo(vr).usesSpecificCharacterSet ? decodeText(value, specificCharacterSet, vr) : value.toString('latin1');
  return trimValue(text, vr);
}

/** The values of a string VR, split on backslash where the VR allows several (PS3.5 §6.4). */
export function bytesToStrings(value: Buffer, vr: string, specificCharacterSet: readonly string[]): string[] {
  if (value.length === 0) return [];
  const info = vrInfo(vr);
  const text = info.usesSpecificCharacterSet ? decodeText(value, specificCharacterSet, vr) : value.toString('latin1');
  if (!info.multiValued) return [trimEnd(text)];
  // Most values are single: one array, not a split's and a map's.
  if (!text.includes('\\')) return [trimValue(text, vr)];
  return text.split('\\').map((s) => trimValue(s, vr));
}

/** Numbers of a binary VR (US, SS, UL, SL, FL, FD, OW, OF, OD, OL, AT), or of DS/IS text. */
export function bytesToNumbers(value: Buffer, vr: string): number[] {
  switch (vr) {
    case 'DS':
    case 'IS':
      return bytesToStrings(value, vr, []).filter((s) => s !== '').map(Number);
    case 'SV':
    case 'UV':
    case 'OV':
      return bytesToBigInts(value, vr).map(Number);
  }
  const size = vrInfo(vr).valueSize;
  const count = size === 0 ? 0 : Math.floor(value.length / size);
  const out = new Array<number>(count);
  for (let i = 0; i < count; i++) {
    const o = i * size;
    switch (vr) {
      case 'US':
      case 'OW':
        out[i] = value.readUInt16LE(o);
        break;
      case 'SS':
        out[i] = value.readInt16LE(o);
        break;
      case 'UL':
      case 'OL':
        out[i] = value.readUInt32LE(o);
        break;
      case 'SL':
        out[i] = value.readInt32LE(o);
        break;
      case 'FL':
      case 'OF':
        out[i] = value.readFloatLE(o);
        break;
      case 'FD':
      case 'OD':
        out[i] = value.readDoubleLE(o);
        break;
      case 'AT':
        out[i] = ((value.readUInt16LE(o) << 16) | value.readUInt16LE(o + 2)) >>> 0;
        break;
      case 'OB':
      case 'UN':
        out[i] = value[o] ?? 0;
        break;
      default:
        throw new DicomEncodeError(`VR ${vr} has no numeric values`);
    }
  }
  return out;
}

export function bytesToBigInts(value: Buffer, vr: string): bigint[] {
  const out: bigint[] = [];
  for (let o = 0; o + 8 <= value.length; o += 8) out.push(vr === 'SV' ? value.readBigInt64LE(o) : value.readBigUInt64LE(o));
  return out;
}

/** Encodes string values for a VR, joined with backslash and padded to even length. */
export function stringsToBytes(values: readonly string[], vr: Vr, specificCharacterSet: readonly string[] = []): Buffer {
  const info = vrInfo(vr);
  if (info.kind !== 'string') throw new DicomEncodeError(`VR ${vr} is not a string VR`);
  if (!info.multiValued && values.length > 1) throw new DicomEncodeError(`VR ${vr} takes a single value`);
  const text = values.join('\\');
  const raw = info.usesSpecificCharacterSet ? encodeText(text, specificCharacterSet) : encodeText(text, []);
  return padEven(raw, info.padding);
}

export function padEven(raw: Buffer, padding: number): Buffer {
  if (raw.length % 2 === 0) return raw;
  const out = Buffer.allocUnsafe(raw.length + 1);
  raw.copy(out);
  out[raw.length] = padding;
  return out;
}

/** Encodes numbers for a binary VR (little endian) or a DS/IS string. */
export function numbersToBytes(values: readonly number[], vr: Vr): Buffer {
  if (vr === 'DS' || vr === 'IS') {
    return stringsToBytes(values.map((v) => (vr === 'IS' ? String(Math.trunc(v)) : formatDecimalString(v))), vr);
  }
  const size = vrInfo(vr).valueSize;
  if (size === 0 || vrInfo(vr).kind !== 'binary') throw new DicomEncodeError(`VR ${vr} has no numeric encoding`);
  const out = Buffer.alloc(values.length * size);
  values.forEach((v, i) => {
    const o = i * size;
    switch (vr) {
      case 'US':
      case 'OW':
        out.writeUInt16LE(v, o);
        break;
      case 'SS':
        out.writeInt16LE(v, o);
        break;
      case 'UL':
      case 'OL':
        out.writeUInt32LE(v, o);
        break;
      case 'SL':
        out.writeInt32LE(v, o);
        break;
      case 'FL':
      case 'OF':
        out.writeFloatLE(v, o);
        break;
      case 'FD':
      case 'OD':
        out.writeDoubleLE(v, o);
        break;
      case 'AT':
        out.writeUInt16LE(v >>> 16, o);
        out.writeUInt16LE(v & 0xffff, o + 2);
        break;
      case 'SV':
        out.writeBigInt64LE(BigInt(v), o);
        break;
      case 'UV':
      case 'OV':
        out.writeBigUInt64LE(BigInt(v), o);
        break;
      case 'OB':
      case 'UN':
        out[o] = v;
        break;
      default:
        throw new DicomEncodeError(`VR ${vr} has no numeric encoding`);
    }
  });
  return padEven(out, 0);
}

/** PS3.5 §6.2 DS: at most 16 characters. */
export function formatDecimalString(v: number): string {
  let s = String(v);
  if (s.length <= 16) return s;
  for (let p = 15; p > 0; p--) {
    s = v.toPrecision(p).replace(/(\.\d*?)0+(e|$)/, '$1$2').replace(/\.(e|$)/, '$1').replace('e+', 'e');
    if (s.length <= 16) return s;
  }
  throw new DicomEncodeError(`cannot format ${v} as DS`);
}
