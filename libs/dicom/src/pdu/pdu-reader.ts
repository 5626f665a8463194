// Incremental PDU framing over a byte stream (PS3.8 §9.3.1 header: type, reserved, length).
import { DEFAULT_MAX_PDU_LENGTH, checkPduHeader, decodePduBody } from './pdu-codec';
import { PDU_HEADER_LENGTH } from './p-data-tf';
import type { Pdu, PduName } from './pdu-types';

export interface PduReaderOptions {
  /** Largest PDU length field accepted (default 16 MiB); checked before allocating. */
  maxPduLength?: number;
}

/**
 * Takes socket chunks split anywhere (down to single bytes) and yields complete, decoded PDUs.
 * A PDU lying inside one chunk is decoded in place, so P-DATA-TF PDVs are views into the
 * chunk; only a PDU spanning chunks is gathered, once, into a buffer of exactly its size.
 * Errors are PduDecodeError carrying the A-ABORT reason; the reader is unusable afterwards.
 */
export class PduReader {
  readonly maxPduLength: number;
  private readonly header = Buffer.alloc(PDU_HEADER_LENGTH);
  private headerFill = 0;
  private body: Buffer | undefined;
  private bodyFill = 0;
  private name: PduName | undefined;

  constructor(options: PduReaderOptions = {}) {
    this.maxPduLength = options.maxPduLength ?? DEFAULT_MAX_PDU_LENGTH;
  }

  /** True when no partial PDU is pending. */
  get idle(): boolean {
    return this.headerFill === 0 && this.body === undefined;
  }

  *push(chunk: Buffer): Generator<Pdu, void, undefined> {
    let pos = 0;
    const end = chunk.length;
    while (pos < end) {
      if (this.body !== undefined) {
        const n = Math.min(this.body.length - this.bodyFill, end - pos);
        chunk.copy(this.body, this.bodyFill, pos, pos + n);
        this.bodyFill += n;
        pos += n;
        if (this.bodyFill === this.body.length) {
          const body = this.body;
          this.body = undefined;
          yield decodePduBody(this.name as PduName, body, 0, body.length);
        }
        continue;
      }
      if (this.headerFill === 0 && end - pos >= PDU_HEADER_LENGTH) {
        // Fast path: header in this chunk, and maybe the whole PDU too.
        const length = chunk.readUInt32BE(pos + 2);
        const name = checkPduHeader(chunk.readUInt8(pos), length, this.maxPduLength);
        const bodyStart = pos + PDU_HEADER_LENGTH;
        if (end - bodyStart >= length) {
          pos = bodyStart + length;
          yield decodePduBody(name, chunk, bodyStart, pos);
        } else {
          this.startBody(name, length);
          pos = bodyStart;
        }
        continue;
      }
      const n = Math.min(PDU_HEADER_LENGTH - this.headerFill, end - pos);
      chunk.copy(this.header, this.headerFill, pos, pos + n);
      this.headerFill += n;
      pos += n;
      if (this.headerFill === PDU_HEADER_LENGTH) {
        this.headerFill = 0;
        const length = this.header.readUInt32BE(2);
        const name = checkPduHeader(this.header.readUInt8(0), length, this.maxPduLength);
        if (length === 0) yield decodePduBody(name, this.header, PDU_HEADER_LENGTH, PDU_HEADER_LENGTH);
        else this.startBody(name, length);
      }
    }
  }

  private startBody(name: PduName, length: number): void {
    this.name = name;
    this.body = Buffer.allocUnsafe(length);
    this.bodyFill = 0;
  }
}
