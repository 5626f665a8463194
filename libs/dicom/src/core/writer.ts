// PS3.5 §7 data set encoding; the inverse of reader.ts. Sizes are computed first so the
// output is allocated once. Values are written as held: the writer never re-pads a value
// it did not create, which is what makes write(read(bytes)) byte-exact.
import { deflateRawSync } from 'node:zlib';
import type { DataElement, SequenceElement } from './data-element';
import type { DataSet } from './data-set';
import { DicomEncodeError } from './errors';
import type { DataSetEncoding } from './reader';
import { swapToOtherEndian } from './reader';
import { ITEM, ITEM_DELIMITATION_ITEM, SEQUENCE_DELIMITATION_ITEM, UNDEFINED_LENGTH } from './tag';
import { dataSetEncoding } from './transfer-syntax';
import { vrInfo } from './vr';

const IMPLICIT_LE: DataSetEncoding = { explicitVr: false, littleEndian: true };

/** Encodes a data set (no preamble or file meta) in the given transfer syntax. */
export function writeDataSet(ds: DataSet, transferSyntaxUid: string): Buffer {
  const enc = dataSetEncoding(transferSyntaxUid);
  const w = new DataSetWriter(enc);
  const out = w.encode(ds);
  return enc.deflated ? deflateRawSync(out) : out;
}

/**
 * Encodes a data set as a list of chunks whose concatenation equals writeDataSet(): values of
 * at least `minViewLength` bytes (pixel data, fragments) are passed by reference, not copied,
 * so large objects go to a stream with writev() instead of through one big buffer.
 */
export function writeDataSetChunks(ds: DataSet, transferSyntaxUid: string, minViewLength = 16 * 1024): Buffer[] {
  const enc = dataSetEncoding(transferSyntaxUid);
  if (enc.deflated) return [writeDataSet(ds, transferSyntaxUid)];
  return new DataSetWriter(enc, minViewLength).encodeChunks(ds);
}

/** Encodes a data set in the given encoding (used for command sets, always Implicit VR LE). */
export function encodeDataSet(ds: DataSet, encoding: DataSetEncoding): Buffer {
  return new DataSetWriter(encoding).encode(ds);
}

class DataSetWriter {
  private readonly sizes = new Map<object, number>();
  private buf: Buffer = Buffer.alloc(0);
  private pos = 0;
  /** Bytes of values passed by reference (chunk mode), not held in buf. */
  private referenced = 0;
  private chunks: Buffer[] = [];
  private chunkStart = 0;

  constructor(
    private readonly enc: DataSetEncoding,
    private readonly minViewLength = Infinity,
  ) {}

  encode(ds: DataSet): Buffer {
    const total = this.dataSetSize(ds, this.enc);
    this.buf = Buffer.allocUnsafe(total);
    this.pos = 0;
    this.writeDataSetBody(ds, this.enc);
    return this.buf;
  }

  encodeChunks(ds: DataSet): Buffer[] {
    const total = this.dataSetSize(ds, this.enc);
    this.buf = Buffer.allocUnsafe(total - this.referenced);
    this.pos = 0;
    this.writeDataSetBody(ds, this.enc);
    if (this.pos > this.chunkStart) this.chunks.push(this.buf.subarray(this.chunkStart, this.pos));
    return this.chunks;
  }

  private isReferenced(value: Buffer, swapUnit: number, enc: DataSetEncoding): boolean {
    return value.length >= this.minViewLength && (enc.littleEndian || swapUnit === 1);
  }

  /** Appends a value: copied into buf, or (chunk mode, large) referenced as its own chunk. */
  private writeValue(value: Buffer, swapUnit: number, enc: DataSetEncoding): void {
    if (this.isReferenced(value, swapUnit, enc)) {
      if (this.pos > this.chunkStart) this.chunks.push(this.buf.subarray(this.chunkStart, this.pos));
      this.chunks.push(value);
      this.chunkStart = this.pos;
      return;
    }
    const bytes = enc.littleEndian ? value : swapToOtherEndian(value, swapUnit);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  /** Explicit VR on the wire for an element: a 2-byte-length VR whose value is too long becomes UN (as DCMTK does). */
  private wireVr(e: DataElement): string {
    if (e.kind === 'sequence') return e.vr === 'UN' && e.undefinedLength ? 'UN' : 'SQ';
    if (e.kind === 'value' && vrInfo(e.vr).explicitLengthSize === 2 && e.value.length > 0xffff) return 'UN';
    return e.vr;
  }

  private headerSize(e: DataElement, enc: DataSetEncoding): number {
    if (!enc.explicitVr) return 8;
    return vrInfo(this.wireVr(e)).explicitLengthSize === 2 ? 8 : 12;
  }

  private dataSetSize(ds: DataSet, enc: DataSetEncoding): number {
    let n = 0;
    for (const e of ds) {
      n += this.headerSize(e, enc) + this.valueSize(e, enc);
      if (e.kind === 'value' && this.isReferenced(e.value, vrInfo(e.vr).swapUnit, enc)) this.referenced += e.value.length;
      if (e.kind === 'encapsulated') for (const f of e.fragments) if (this.isReferenced(f, 1, enc)) this.referenced += f.length;
    }
    return n;
  }

  private itemsEncoding(e: SequenceElement, enc: DataSetEncoding): DataSetEncoding {
    return e.vr === 'UN' && e.undefinedLength && enc.explicitVr ? IMPLICIT_LE : enc;
  }

  private valueSize(e: DataElement, enc: DataSetEncoding): number {
    switch (e.kind) {
      case 'value':
        return e.value.length;
      case 'encapsulated': {
        let n = 8;
        for (const f of e.fragments) n += 8 + f.length;
        return n;
      }
      case 'sequence': {
        const cached = this.sizes.get(e);
        if (cached !== undefined) return cached;
        const itemEnc = this.itemsEncoding(e, enc);
        let n = e.undefinedLength ? 8 : 0;
        for (const item of e.items) {
          const body = this.dataSetSize(item.dataSet, itemEnc);
          this.sizes.set(item, body);
          n += 8 + body + (item.undefinedLength ? 8 : 0);
        }
        if (!e.undefinedLength && n > 0xfffffffe) throw new DicomEncodeError('sequence longer than 4 GiB', e.tag);
        this.sizes.set(e, n);
        return n;
      }
    }
  }

  private u16(v: number, enc: DataSetEncoding): void {
    this.pos = enc.littleEndian ? this.buf.writeUInt16LE(v, this.pos) : this.buf.writeUInt16BE(v, this.pos);
  }

  private u32(v: number, enc: DataSetEncoding): void {
    this.pos = enc.littleEndian ? this.buf.writeUInt32LE(v >>> 0, this.pos) : this.buf.writeUInt32BE(v >>> 0, this.pos);
  }

  private tagAndLength(tag: number, length: number, enc: DataSetEncoding): void {
    this.u16(tag >>> 16, enc);
    this.u16(tag & 0xffff, enc);
    this.u32(length, enc);
  }

  private writeDataSetBody(ds: DataSet, enc: DataSetEncoding): void {
    for (const e of ds) this.writeElement(e, enc);
  }

  private writeElement(e: DataElement, enc: DataSetEncoding): void {
    const undefinedLength = e.kind === 'encapsulated' || (e.kind === 'sequence' && e.undefinedLength);
    const length = undefinedLength ? UNDEFINED_LENGTH : this.valueSize(e, enc);
    if (length > 0xffffffff || (!undefinedLength && length === UNDEFINED_LENGTH)) {
      throw new DicomEncodeError('value longer than 4 GiB - 2', e.tag);
    }
    this.u16(e.tag >>> 16, enc);
    this.u16(e.tag & 0xffff, enc);
    if (enc.explicitVr) {
      const vr = this.wireVr(e);
      this.buf.write(vr.padEnd(2, ' ').slice(0, 2), this.pos, 'latin1');
      this.pos += 2;
      if (vrInfo(vr).explicitLengthSize === 2) {
        this.u16(length, enc);
      } else {
        this.u16(0, enc);
        this.u32(length, enc);
      }
    } else {
      this.u32(length, enc);
    }
    switch (e.kind) {
      case 'value':
        this.writeValue(e.value, vrInfo(e.vr).swapUnit, enc);
        return;
      case 'encapsulated':
        for (const f of e.fragments) {
          this.tagAndLength(ITEM, f.length, enc);
          this.writeValue(f, 1, enc);
        }
        this.tagAndLength(SEQUENCE_DELIMITATION_ITEM, 0, enc);
        return;
      case 'sequence': {
        const itemEnc = this.itemsEncoding(e, enc);
        for (const item of e.items) {
          const body = this.sizes.get(item) ?? this.dataSetSize(item.dataSet, itemEnc);
          this.tagAndLength(ITEM, item.undefinedLength ? UNDEFINED_LENGTH : body, itemEnc);
          this.writeDataSetBody(item.dataSet, itemEnc);
          if (item.undefinedLength) this.tagAndLength(ITEM_DELIMITATION_ITEM, 0, itemEnc);
        }
        // The delimiter belongs to the value, so an undefined-length UN ends it in Implicit VR LE too.
        if (e.undefinedLength) this.tagAndLength(SEQUENCE_DELIMITATION_ITEM, 0, itemEnc);
        return;
      }
    }
  }
}
