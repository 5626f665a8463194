import { PduEncodeError, invalidValue } from './pdu-error';

/**
 * Bounded big-endian cursor over a PDU (PS3.8 §9.3.1: multi-byte fields are big endian).
 * Every read is checked against `end`, so a length from the wire can never reach past the
 * bytes we actually hold; a violation is an invalid-PDU-parameter-value abort.
 */
export class WireReader {
  constructor(
    readonly buf: Buffer,
    public pos: number,
    public end: number,
  ) {}

  get remaining(): number {
    return this.end - this.pos;
  }

  private need(n: number, what: string): void {
    if (n > this.end - this.pos) {
      throw invalidValue(`${what} needs ${n} bytes at offset ${this.pos}, only ${this.end - this.pos} left`);
    }
  }

  u8(what = 'field'): number {
    this.need(1, what);
    return this.buf.readUInt8(this.pos++);
  }

  u16(what = 'field'): number {
    this.need(2, what);
    const v = this.buf.readUInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  u32(what = 'field'): number {
    this.need(4, what);
    const v = this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  /** A view (no copy) of the next n bytes. */
  bytes(n: number, what = 'field'): Buffer {
    this.need(n, what);
    const v = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  skip(n: number, what = 'reserved field'): void {
    this.need(n, what);
    this.pos += n;
  }

  /** A reader limited to the next n bytes; this reader moves past them. */
  sub(n: number, what: string): WireReader {
    this.need(n, what);
    const r = new WireReader(this.buf, this.pos, this.pos + n);
    this.pos += n;
    return r;
  }
}

export class WireWriter {
  pos = 0;

  constructor(readonly buf: Buffer) {}

  u8(v: number, field: string): void {
    if (!Number.isInteger(v) || v < 0 || v > 0xff) throw new PduEncodeError(field, `${v} is not an unsigned 8-bit integer`);
    this.buf[this.pos++] = v;
  }

  u16(v: number, field: string): void {
    if (!Number.isInteger(v) || v < 0 || v > 0xffff) throw new PduEncodeError(field, `${v} is not an unsigned 16-bit integer`);
    this.buf.writeUInt16BE(v, this.pos);
    this.pos += 2;
  }

  u32(v: number, field: string): void {
    if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new PduEncodeError(field, `${v} is not an unsigned 32-bit integer`);
    this.buf.writeUInt32BE(v, this.pos);
    this.pos += 4;
  }

  bytes(b: Uint8Array): void {
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  zeros(n: number): void {
    this.buf.fill(0, this.pos, this.pos + n);
    this.pos += n;
  }
}
