import { DicomParseError } from './errors';
import { dataSetEncoding } from './transfer-syntax';

/** Explicit VRs with a 2-byte reserved field and a 4-byte length (PS3.5 §7.1.2, Table 7.1-1), as two character codes. */
const LONG_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'SV', 'UC', 'UN', 'UR', 'UT', 'UV'].map((vr) => (vr.charCodeAt(0) << 8) | vr.charCodeAt(1)));
const UNDEFINED_LENGTH = 0xffffffff;
const ITEM = 0xfffee000;
const ITEM_DELIMITATION = 0xfffee00d;
const SEQUENCE_DELIMITATION = 0xfffee0dd;
const MAX_HEADER = 12;

/**
 * Follows the element structure of a data set as it streams past, keeping only the element
 * header being read (at most 12 bytes), so a data set that ends inside an element, an item or
 * an undefined-length sequence (PS3.5 §7.1, §7.5) is told from a complete one. The header
 * collector only parses up to Pixel Data; without this, a data set cut inside Pixel Data would
 * be stored as if whole. Values are skipped, not parsed: their contents are the indexer's job.
 * A header read within one chunk is read where it lies; one split across chunks is gathered first.
 */
export class DataSetEndCheck {
  private readonly explicitVr: boolean;
  private readonly littleEndian: boolean;
  /** The bytes of an element header split across chunks, gathered so far. */
  private readonly partial = Buffer.alloc(MAX_HEADER);
  private partialLength = 0;
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
      const rest = chunk.length - pos;
      const inPlace = this.skip === 0 && this.partialLength === 0 ? this.headerLength(chunk, pos, rest) : 0;
      if (this.skip > 0) {
        const n = Math.min(this.skip, rest);
        this.skip -= n;
        pos += n;
        this.offset += n;
      } else if (inPlace > 0 && inPlace <= rest) {
        this.offset += inPlace;
        this.element(chunk, pos, inPlace);
        pos += inPlace;
      } else {
        const n = Math.min(this.headerLength(this.partial, 0, this.partialLength) - this.partialLength, rest);
        chunk.copy(this.partial, this.partialLength, pos, pos + n);
        this.partialLength += n;
        pos += n;
        this.offset += n;
        const length = this.headerLength(this.partial, 0, this.partialLength);
        if (this.partialLength === length) {
          this.partialLength = 0;
          this.element(this.partial, 0, length);
        }
      }
    }
  }

  /** Throws DicomParseError ('truncated') unless the data set ended between two top-level elements. */
  end(): void {
    if (this.partialLength > 0) throw new DicomParseError('truncated', 'data set ends inside an element header', this.offset);
    if (this.skip > 0) throw new DicomParseError('truncated', `data set ends ${this.skip} bytes short of the end of an element value`, this.offset);
    if (this.open.length > 0) throw new DicomParseError('truncated', `data set ends inside an undefined-length ${this.open.at(-1)}`, this.offset);
  }

  /** Bytes of the element header at `at`, as far as the `available` bytes there tell (4 or 6 until known). */
  private headerLength(buf: Buffer, at: number, available: number): number {
    if (available < 4) return 4;
    if (!this.explicitVr || this.tag(buf, at) >>> 16 === 0xfffe) return 8;
    if (available < 6) return 6;
    // The VR's two characters, first one high: the codes LONG_VRS holds.
    return LONG_VRS.has(buf.readUInt16BE(at + 4)) ? 12 : 8;
  }

  private tag(buf: Buffer, at: number): number {
    const group = this.littleEndian ? buf.readUInt16LE(at) : buf.readUInt16BE(at);
    const element = this.littleEndian ? buf.readUInt16LE(at + 2) : buf.readUInt16BE(at + 2);
    return ((group << 16) | element) >>> 0;
  }

  /** The element whose `headerLength`-byte header is at `at`; this.offset is already past it. */
  private element(buf: Buffer, at: number, headerLength: number): void {
    const tag = this.tag(buf, at);
    const start = this.offset - headerLength;
    const length = headerLength === 12 || (headerLength === 8 && (!this.explicitVr || tag >>> 16 === 0xfffe))
      ? (this.littleEndian ? buf.readUInt32LE(at + headerLength - 4) : buf.readUInt32BE(at + headerLength - 4))
      : (this.littleEndian ? buf.readUInt16LE(at + 6) : buf.readUInt16BE(at + 6));
    const inside = this.open.at(-1);
    if (tag === ITEM) {
      if (inside !== 'sequence') throw new DicomParseError('unexpected-tag', 'item outside a sequence', start, tag);
      this.enterOrSkip('item', length, start, tag);
    } else if (tag === ITEM_DELIMITATION || tag === SEQUENCE_DELIMITATION) {
      const closes = tag === ITEM_DELIMITATION ? 'item' : 'sequence';
      if (inside !== closes) throw new DicomParseError('unexpected-tag', `${closes} delimiter without its ${closes}`, start, tag);
      this.open.pop();
    } else {
      if (inside === 'sequence') throw new DicomParseError('unexpected-tag', 'element where an item or the sequence delimiter belongs', start, tag);
      // Undefined length: a sequence, or encapsulated pixel data, both a series of items.
      this.enterOrSkip('sequence', length, start, tag);
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
