// Collects the top-level elements of a data set arriving in chunks, up to (not including)
// pixel data or a byte cap, so the C-STORE SCP can index while the bytes flow to storage
// (ARCHITECTURE.md contract 5). Only the header bytes are retained, never the rest.
import { constants as zlibConstants, inflateRawSync } from 'node:zlib';
import { DataSet } from './data-set';
import { DicomParseError } from './errors';
import { DataSetReader, readDataSet } from './reader';
import { dataSetEncoding, TransferSyntaxUid } from './transfer-syntax';

export type HeaderStop = 'pixel-data' | 'cap' | 'end';

export interface CollectedHeader {
  readonly stoppedAt: HeaderStop;
  /** The elements before the stop. */
  readonly dataSet: DataSet;
  /** Their bytes as encoded in `transferSyntaxUid` (inflated for deflated syntaxes). */
  readonly header: Buffer;
  readonly transferSyntaxUid: string;
}

export interface HeaderCollectorOptions {
  /** Most header bytes kept; an element that would end past it stops collection. Default 1 MiB. */
  maxHeaderBytes?: number;
  maxDepth?: number;
}

/** Float, Double Float and (plain) Pixel Data, and anything after them, end the header. */
const FIRST_BULK_TAG = 0x7fe00008;
const MIN_INFLATE_STEP = 4096;

export class HeaderCollector {
  readonly maxHeaderBytes: number;
  private readonly encoding: { explicitVr: boolean; littleEndian: boolean; deflated: boolean };
  private readonly maxDepth: number;
  private acc: Buffer = Buffer.alloc(0);
  private accLength = 0;
  /** End of the last complete top-level element. */
  private pos = 0;
  /** Skip parse attempts until this many bytes are buffered (from the last 'truncated'). */
  private needed = 0;
  private compressed: Buffer[] = [];
  private compressedLength = 0;
  private lastInflateAt = 0;
  private outcome: CollectedHeader | undefined;

  constructor(
    readonly transferSyntaxUid: string,
    options: HeaderCollectorOptions = {},
  ) {
    this.maxHeaderBytes = options.maxHeaderBytes ?? 1 << 20;
    this.maxDepth = options.maxDepth ?? 64;
    this.encoding = dataSetEncoding(transferSyntaxUid);
  }

  get done(): boolean {
    return this.outcome !== undefined;
  }

  get result(): CollectedHeader | undefined {
    return this.outcome;
  }

  /** Feeds the next chunk; returns true once the header is complete (later chunks are ignored). */
  push(chunk: Buffer): boolean {
    if (this.outcome) return true;
    if (this.encoding.deflated) {
      this.compressed.push(chunk);
      this.compressedLength += chunk.length;
      const step = Math.max(MIN_INFLATE_STEP, this.lastInflateAt);
      if (this.compressedLength - this.lastInflateAt >= step || this.compressedLength > this.maxHeaderBytes + 1024) this.inflatePrefix();
    } else {
      this.append(chunk);
    }
    this.scan(false);
    return this.outcome !== undefined;
  }

  /** Signals the end of the data set. Throws DicomParseError when it ended inside an element. */
  end(): CollectedHeader {
    if (this.outcome) return this.outcome;
    if (this.encoding.deflated) this.inflatePrefix();
    this.scan(true);
    return this.outcome ?? this.finish('end');
  }

  private append(chunk: Buffer): void {
    // Keep no more than the cap plus one element header: enough to tell pixel data from cap.
    const room = this.maxHeaderBytes + 12 - this.accLength;
    if (room <= 0) return;
    const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
    if (this.accLength + part.length > this.acc.length) {
      const grown = Buffer.allocUnsafe(Math.min(Math.max(this.acc.length * 2, this.accLength + part.length, 4096), this.maxHeaderBytes + 12));
      this.acc.copy(grown, 0, 0, this.accLength);
      this.acc = grown;
    }
    part.copy(this.acc, this.accLength);
    this.accLength += part.length;
  }

  /** Inflates the compressed bytes seen so far (sync flush), bounded to the cap. */
  private inflatePrefix(): void {
    this.lastInflateAt = this.compressedLength;
    const input = Buffer.concat(this.compressed, this.compressedLength);
    this.compressed = [input];
    const limit = this.maxHeaderBytes + 64 * 1024;
    let out = tryInflate(input, limit);
    if (!out) {
      // More than the cap inflates from this input: find a prefix of it that inflates to
      // within the limit; one deflate input byte yields at most ~1 KiB, so it reaches the cap.
      let lo = 0;
      let hi = input.length;
      let best: Buffer = Buffer.alloc(0);
      while (lo < hi) {
        const mid = (lo + hi + 1) >>> 1;
        const attempt = tryInflate(input.subarray(0, mid), limit);
        if (attempt) {
          best = attempt;
          lo = mid;
        } else hi = mid - 1;
      }
      out = best;
    }
    this.acc = out.length > this.maxHeaderBytes + 12 ? out.subarray(0, this.maxHeaderBytes + 12) : out;
    this.accLength = this.acc.length;
  }

  private scan(atEnd: boolean): void {
    if (this.accLength < this.needed && !atEnd) return;
    const view = this.acc.subarray(0, this.accLength);
    const reader = new DataSetReader(view, this.encoding, this.maxDepth);
    const scratch = new DataSet();
    while (!this.outcome) {
      if (this.pos + 4 > view.length) {
        if (this.pos >= this.maxHeaderBytes) this.finish('cap');
        else if (atEnd && this.pos < view.length) throw new DicomParseError('truncated', 'data set ends inside an element tag', this.pos);
        return;
      }
      if (reader.readTag(this.pos) >= FIRST_BULK_TAG) {
        this.finish('pixel-data');
        return;
      }
      let next: number;
      try {
        next = reader.readElement(this.pos, view.length, 0, scratch).next;
      } catch (e) {
        if (!(e instanceof DicomParseError) || e.reason !== 'truncated') throw e;
        const needed = e.needed ?? view.length + 1;
        if (needed > this.maxHeaderBytes || view.length >= this.maxHeaderBytes + 12) this.finish('cap');
        else if (atEnd) throw e;
        else this.needed = needed;
        return;
      }
      if (next > this.maxHeaderBytes) {
        this.finish('cap');
        return;
      }
      this.pos = next;
    }
  }

  private finish(stoppedAt: HeaderStop): CollectedHeader {
    // Copy so the result does not pin the accumulation buffer, then decode the header once.
    const header = Buffer.from(this.acc.subarray(0, this.pos));
    const transferSyntaxUid = this.encoding.deflated ? TransferSyntaxUid.ExplicitVRLittleEndian : this.transferSyntaxUid;
    const dataSet = readDataSet(header, transferSyntaxUid, { maxDepth: this.maxDepth });
    this.outcome = { stoppedAt, dataSet, header, transferSyntaxUid };
    this.acc = Buffer.alloc(0);
    this.compressed = [];
    return this.outcome;
  }
}

function tryInflate(input: Buffer, maxOutputLength: number): Buffer | undefined {
  try {
    return inflateRawSync(input, { finishFlush: zlibConstants.Z_SYNC_FLUSH, maxOutputLength });
  } catch (e) {
    if ((e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') return undefined;
    throw new DicomParseError('inflate', `deflated data set cannot be inflated: ${(e as Error).message}`, 0);
  }
}
