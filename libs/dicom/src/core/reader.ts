// PS3.5 §7 data set decoding for Implicit VR LE, Explicit VR LE/BE and Deflated Explicit VR LE.
// Values are subarray views of the input (copied only to swap big endian); every length is
// checked against the input before it is used.
import { inflateRawSync } from 'node:zlib';
import type { DataElement, SequenceItem } from './data-element';
import { DataSet } from './data-set';
import { implicitVr } from './dictionary';
import { DicomParseError } from './errors';
import { ITEM, ITEM_DELIMITATION_ITEM, PIXEL_DATA, SEQUENCE_DELIMITATION_ITEM, UNDEFINED_LENGTH } from './tag';
import { dataSetEncoding } from './transfer-syntax';
import { vrAt, vrInfo } from './vr';

export interface ReadOptions {
  /** Deepest sequence nesting accepted, against stack exhaustion by hostile input. Default 64. */
  maxDepth?: number;
  /** Largest inflated size of a deflated data set. Default 1 GiB. */
  maxInflatedLength?: number;
}

export interface DataSetEncoding {
  readonly explicitVr: boolean;
  readonly littleEndian: boolean;
}

export const DEFAULT_MAX_DEPTH = 64;
const DEFAULT_MAX_INFLATED = 1 << 30;

/** Decodes a whole data set (no preamble or file meta) encoded in the given transfer syntax. */
export function readDataSet(bytes: Buffer, transferSyntaxUid: string, options: ReadOptions = {}): DataSet {
  const enc = dataSetEncoding(transferSyntaxUid);
  const input = enc.deflated ? inflateDataSet(bytes, options.maxInflatedLength ?? DEFAULT_MAX_INFLATED) : bytes;
  const ds = new DataSet();
  new DataSetReader(input, enc, options.maxDepth ?? DEFAULT_MAX_DEPTH).readElements(ds, 0, input.length, 0, false);
  return ds;
}

export function inflateDataSet(bytes: Buffer, maxOutputLength: number): Buffer {
  try {
    return inflateRawSync(bytes, { maxOutputLength });
  } catch (e) {
    throw new DicomParseError('inflate', `deflated data set cannot be inflated: ${(e as Error).message}`, 0);
  }
}

/** Cursor-free decoder over one buffer; positions are passed explicitly so nothing is copied. */
export class DataSetReader {
  constructor(
    readonly buf: Buffer,
    readonly encoding: DataSetEncoding,
    readonly maxDepth: number = DEFAULT_MAX_DEPTH,
  ) {}

  /** Throws 'truncated' when the input ends before pos + n. */
  private need(pos: number, n: number, end: number, tag?: number): void {
    if (pos + n <= end) return;
    if (end >= this.buf.length) throw new DicomParseError('truncated', `input ends, ${n} bytes needed`, pos, tag, pos + n);
    throw new DicomParseError('length-beyond-end', `element runs past the end of its item or sequence`, pos, tag);
  }

  private u16(pos: number): number {
    return this.encoding.littleEndian ? this.buf.readUInt16LE(pos) : this.buf.readUInt16BE(pos);
  }

  private u32(pos: number): number {
    return this.encoding.littleEndian ? this.buf.readUInt32LE(pos) : this.buf.readUInt32BE(pos);
  }

  readTag(pos: number): number {
    return ((this.u16(pos) << 16) | this.u16(pos + 2)) >>> 0;
  }

  /** Reads elements into ds from pos until end, or until an item delimiter when asked; returns the next position. */
  readElements(ds: DataSet, pos: number, end: number, depth: number, untilItemDelimiter: boolean): number {
    while (pos < end) {
      this.need(pos, 4, end);
      const tag = this.readTag(pos);
      if (tag === ITEM_DELIMITATION_ITEM) {
        if (!untilItemDelimiter) throw new DicomParseError('unexpected-tag', 'item delimiter outside an undefined-length item', pos, tag);
        this.need(pos, 8, end, tag);
        return pos + 8;
      }
      if (tag === ITEM || tag === SEQUENCE_DELIMITATION_ITEM) {
        throw new DicomParseError('unexpected-tag', 'item or sequence delimiter where a data element was expected', pos, tag);
      }
      const { element, next } = this.readElement(pos, end, depth, ds);
      ds.append(element);
      pos = next;
    }
    if (untilItemDelimiter) throw new DicomParseError('truncated', 'input ends inside an undefined-length item', pos, undefined, pos + 8);
    return pos;
  }

  /** Reads one data element at pos (PS3.5 §7.1.2 explicit, §7.1.3 implicit). */
  readElement(pos: number, end: number, depth: number, parent: DataSet): { element: DataElement; next: number } {
    this.need(pos, 8, end);
    const tag = this.readTag(pos);
    let vr: string;
    let length: number;
    let valuePos: number;
    if (this.encoding.explicitVr) {
      vr = vrAt(this.buf, pos + 4);
      if (vrInfo(vr).explicitLengthSize === 2) {
        length = this.u16(pos + 6);
        valuePos = pos + 8;
      } else {
        this.need(pos, 12, end, tag);
        length = this.u32(pos + 8);
        valuePos = pos + 12;
      }
    } else {
      length = this.u32(pos + 4);
      valuePos = pos + 8;
      vr = implicitVr(tag);
      if (length === UNDEFINED_LENGTH && vr !== 'SQ') vr = tag === PIXEL_DATA ? 'OB' : 'SQ';
    }

    if (length === UNDEFINED_LENGTH) {
      if (vr === 'SQ') {
        const { items, next } = this.readItems(valuePos, end, depth + 1, true, parent, tag);
        return { element: { kind: 'sequence', tag, vr, items, undefinedLength: true }, next };
      }
      if (vr === 'UN') {
        // PS3.5 §6.2.2: an undefined-length UN is a sequence whose items are Implicit VR LE.
        const inner = new DataSetReader(this.buf, { explicitVr: false, littleEndian: true }, this.maxDepth);
        const { items, next } = inner.readItems(valuePos, end, depth + 1, true, parent, tag);
        return { element: { kind: 'sequence', tag, vr, items, undefinedLength: true }, next };
      }
      if (vr === 'OB' || vr === 'OW') {
        const { fragments, next } = this.readFragments(valuePos, end, tag);
        return { element: { kind: 'encapsulated', tag, vr, fragments }, next };
      }
      throw new DicomParseError('undefined-length-not-allowed', `undefined length on VR ${JSON.stringify(vr)}`, pos, tag);
    }

    this.need(valuePos, length, end, tag);
    const valueEnd = valuePos + length;
    if (vr === 'SQ') {
      const { items } = this.readItems(valuePos, valueEnd, depth + 1, false, parent, tag);
      return { element: { kind: 'sequence', tag, vr, items, undefinedLength: false }, next: valueEnd };
    }
    let value = this.buf.subarray(valuePos, valueEnd);
    if (!this.encoding.littleEndian) value = swapToOtherEndian(value, vrInfo(vr).swapUnit);
    return { element: { kind: 'value', tag, vr, value }, next: valueEnd };
  }

  /** PS3.5 §7.5 items of a sequence, until end (defined length) or the sequence delimiter. */
  readItems(pos: number, end: number, depth: number, untilDelimiter: boolean, parent: DataSet, sequenceTag: number): { items: SequenceItem[]; next: number } {
    if (depth > this.maxDepth) throw new DicomParseError('too-deep', `sequences nested deeper than ${this.maxDepth}`, pos, sequenceTag);
    const items: SequenceItem[] = [];
    for (;;) {
      if (!untilDelimiter && pos >= end) return { items, next: pos };
      this.need(pos, 8, end, sequenceTag);
      const tag = this.readTag(pos);
      const length = this.u32(pos + 4);
      if (tag === SEQUENCE_DELIMITATION_ITEM && untilDelimiter) return { items, next: pos + 8 };
      if (tag !== ITEM) throw new DicomParseError('unexpected-tag', 'expected an item in sequence', pos, tag);
      const dataSet = new DataSet(parent);
      if (length === UNDEFINED_LENGTH) {
        pos = this.readElements(dataSet, pos + 8, end, depth, true);
        items.push({ dataSet, undefinedLength: true });
      } else {
        this.need(pos + 8, length, end, tag);
        this.readElements(dataSet, pos + 8, pos + 8 + length, depth, false);
        pos += 8 + length;
        items.push({ dataSet, undefinedLength: false });
      }
    }
  }

  /** PS3.5 §A.4 encapsulated fragments up to the sequence delimiter, kept as raw views. */
  readFragments(pos: number, end: number, pixelTag: number): { fragments: Buffer[]; next: number } {
    const fragments: Buffer[] = [];
    for (;;) {
      this.need(pos, 8, end, pixelTag);
      const tag = this.readTag(pos);
      const length = this.u32(pos + 4);
      if (tag === SEQUENCE_DELIMITATION_ITEM) return { fragments, next: pos + 8 };
      if (tag !== ITEM) throw new DicomParseError('unexpected-tag', 'expected a fragment item in encapsulated pixel data', pos, tag);
      if (length === UNDEFINED_LENGTH) throw new DicomParseError('undefined-length-not-allowed', 'fragment with undefined length', pos, tag);
      this.need(pos + 8, length, end, tag);
      fragments.push(this.buf.subarray(pos + 8, pos + 8 + length));
      pos += 8 + length;
    }
  }
}

/** Byte-swaps each unit of a value into a new buffer; a trailing partial unit is left as is. */
export function swapToOtherEndian(value: Buffer, unit: number): Buffer {
  if (unit === 1 || value.length < unit) return value;
  const out = Buffer.from(value);
  const whole = out.length - (out.length % unit);
  const view = out.subarray(0, whole);
  if (unit === 2) view.swap16();
  else if (unit === 4) view.swap32();
  else view.swap64();
  return out;
}
