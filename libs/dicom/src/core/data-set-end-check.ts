import { DicomParseError } from './errors';
import { dataSetEncoding } from './transfer-syntax';

/** Explicit VRs with a 2-byte reserved field and a 4-byte length (PS3.5 §7.1.2, Table 7.1-1). */
const LONG_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'SV', 'UC', 'UN', 'UR', 'UT', 'UV']);
const UNDEFINED_LENGTH = 0xffffffff;
const ITEM = 0xfffee000;
const ITEM_DELIMITATION = 0xfffee00d;
const SEQUENCE_DELIMITATION = 0xfffee0dd;

/**
 * Follows the element structure of a data set as it streams past, keeping only the element
 * header being read (at most 12 bytes), so a data set that ends inside an element, an item or
 * an undefined-length sequence (PS3.5 §7.1, §7.5) is told from a complete one. The header
 * collector only parses up to Pixel Data; without this, a data set cut inside Pixel Data would
 * be stored as if whole. Values are skipped, not parsed: their contents are the indexer's job.
 */
export class DataSetEndCheck {
  private readonly explicitVr: boolean;
  private readonly littleEndian: boolean;
  private header = Buffer.alloc(0);
  private skip = 0;
  private offset = 0;
  /** Undefined-length containers entered and not yet closed by their delimiter. */
  private readonly open: ('sequence' | 'item')[] = [];

  constructor(
    transferSyntaxUid: string,
    private readonly maxDepth = 64,
  ) {
    const encoding = dataSetEncoding(transferSyntaxUid);
    this.explicitVr = encoding.explicitVr;
    this.littleEndian = encoding.littleEndian;
  }

  push(chunk: Buffer): void {
    let pos = 0;
    while (pos < chunk.length) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, chunk.length - pos);
        this.skip -= n;
        pos += n;
        this.offset += n;
        continue;
      }
      const wanted = this.headerLength() - this.header.length;
      const n = Math.min(wanted, chunk.length - pos);
      this.header = Buffer.concat([this.header, chunk.subarray(pos, pos + n)]);
      pos += n;
      this.offset += n;
      if (this.header.length === this.headerLength()) this.element();
    }
  }

  /** Throws DicomParseError ('truncated') unless the data set ended between two top-level elements. */
  end(): void {
    if (this.header.length > 0) throw new DicomParseError('truncated', 'data set ends inside an element header', this.offset);
    if (this.skip > 0) throw new DicomParseError('truncated', `data set ends ${this.skip} bytes short of the end of an element value`, this.offset);
    if (this.open.length > 0) throw new DicomParseError('truncated', `data set ends inside an undefined-length ${this.open.at(-1)}`, this.offset);
  }

  /** Bytes of the element header being read, as far as the bytes read so far tell. */
  private headerLength(): number {
    if (this.header.length < 4) return 4;
    if (this.tag() >>> 16 === 0xfffe || !this.explicitVr) return 8;
    if (this.header.length < 6) return 6;
    return LONG_VRS.has(this.header.toString('latin1', 4, 6)) ? 12 : 8;
  }

  private tag(): number {
    const h = this.header;
    const group = this.littleEndian ? h.readUInt16LE(0) : h.readUInt16BE(0);
    const element = this.littleEndian ? h.readUInt16LE(2) : h.readUInt16BE(2);
    return ((group << 16) | element) >>> 0;
  }

  private element(): void {
    const h = this.header;
    const tag = this.tag();
    const at = this.offset - h.length;
    const length = h.length === 12 || (h.length === 8 && (!this.explicitVr || tag >>> 16 === 0xfffe))
      ? (this.littleEndian ? h.readUInt32LE(h.length - 4) : h.readUInt32BE(h.length - 4))
      : (this.littleEndian ? h.readUInt16LE(6) : h.readUInt16BE(6));
    this.header = Buffer.alloc(0);
    const inside = this.open.at(-1);
    if (tag === ITEM) {
      if (inside !== 'sequence') throw new DicomParseError('unexpected-tag', 'item outside a sequence', at, tag);
      this.enterOrSkip('item', length, at, tag);
    } else if (tag === ITEM_DELIMITATION || tag === SEQUENCE_DELIMITATION) {
      const closes = tag === ITEM_DELIMITATION ? 'item' : 'sequence';
      if (inside !== closes) throw new DicomParseError('unexpected-tag', `${closes} delimiter without its ${closes}`, at, tag);
      this.open.pop();
    } else {
      if (inside === 'sequence') throw new DicomParseError('unexpected-tag', 'element where an item or the sequence delimiter belongs', at, tag);
      // Undefined length: a sequence, or encapsulated pixel data, both a series of items.
      this.enterOrSkip('sequence', length, at, tag);
    }
  }

  private enterOrSkip(container: 'sequence' | 'item', length: number, at: number, tag: number): void {
    if (length !== UNDEFINED_LENGTH) {
      this.skip = length;
      return;
    }
    if (this.open.length >= this.maxDepth) throw new DicomParseError('too-deep', `nesting deeper than ${this.maxDepth}`, at, tag);
    this.open.push(container);
  }
}

/**
 * Passes the data set's chunks through unchanged, checking its structure on the way; the end of
 * a data set cut inside an element surfaces as a DicomParseError from next(), wherever the
 * chunks are being consumed (header collection or the storage upload). Deflated data sets
 * (PS3.5 A.5) pass unchecked: their structure is only visible after inflating.
 */
export function checkedToEnd(data: AsyncIterator<Buffer>, transferSyntaxUid: string): AsyncIterator<Buffer> {
  if (dataSetEncoding(transferSyntaxUid).deflated) return data;
  const check = new DataSetEndCheck(transferSyntaxUid);
  let finished = false;
  return {
    async next() {
      if (finished) return { done: true, value: undefined };
      const next = await data.next();
      if (next.done) {
        finished = true;
        check.end();
        return next;
      }
      check.push(next.value);
      return next;
    },
  };
}
