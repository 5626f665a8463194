// multipart/related (RFC 2387, RFC 2046 §5.1) read as a stream: one part at a time, each body
// streamed as it arrives (a STOW-RS upload is never held whole in memory). The body of a part
// must be read to its end, or abandoned, before the next part is asked for.

export class MultipartError extends Error {
  override readonly name = 'MultipartError';
}

export interface MultipartPart {
  headers: Record<string, string>;
  body: AsyncGenerator<Buffer>;
}

/** The boundary parameter of a multipart Content-Type, or undefined. */
export function boundaryOf(contentType: string): string | undefined {
  const m = /;\s*boundary=(?:"([^"]{1,70})"|([^\s;"]{1,70}))/i.exec(contentType);
  return m?.[1] ?? m?.[2];
}

const CRLF = Buffer.from('\r\n');
const HEADER_END = Buffer.from('\r\n\r\n');
const MAX_HEADER_BYTES = 16 * 1024;

class Reader {
  private buf: Buffer = CRLF; // so the first delimiter needs no special case
  private done = false;

  constructor(private readonly source: AsyncIterator<Buffer>) {}

  private async fill(): Promise<boolean> {
    if (this.done) return false;
    const next = await this.source.next();
    if (next.done) {
      this.done = true;
      return false;
    }
    this.buf = this.buf.length === 0 ? next.value : Buffer.concat([this.buf, next.value]);
    return true;
  }

  /** Bytes up to `marker` (which is consumed); throws at the end of the input. */
  async until(marker: Buffer, max: number, what: string): Promise<Buffer> {
    for (;;) {
      const at = this.buf.indexOf(marker);
      if (at >= 0) {
        const out = this.buf.subarray(0, at);
        this.buf = this.buf.subarray(at + marker.length);
        return out;
      }
      if (this.buf.length > max) throw new MultipartError(`${what} longer than ${max} bytes`);
      if (!(await this.fill())) throw new MultipartError(`input ended inside ${what}`);
    }
  }

  /** Streams bytes up to `marker` (consumed, not yielded). */
  async *streamUntil(marker: Buffer): AsyncGenerator<Buffer> {
    for (;;) {
      const at = this.buf.indexOf(marker);
      if (at >= 0) {
        const out = this.buf.subarray(0, at);
        this.buf = this.buf.subarray(at + marker.length);
        if (out.length > 0) yield out;
        return;
      }
      // Keep what could be the start of a marker split across chunks.
      const keep = marker.length - 1;
      if (this.buf.length > keep) {
        const out = this.buf.subarray(0, this.buf.length - keep);
        this.buf = this.buf.subarray(this.buf.length - keep);
        yield out;
      }
      if (!(await this.fill())) throw new MultipartError('input ended inside a part (no closing boundary)');
    }
  }

  async take(n: number): Promise<Buffer> {
    while (this.buf.length < n) if (!(await this.fill())) throw new MultipartError('input ended after a boundary');
    const out = this.buf.subarray(0, n);
    this.buf = this.buf.subarray(n);
    return out;
  }
}

function parseHeaders(raw: Buffer): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of raw.toString('latin1').split('\r\n')) {
    if (line === '') continue;
    const colon = line.indexOf(':');
    if (colon <= 0) throw new MultipartError(`malformed part header line ${JSON.stringify(line.slice(0, 80))}`);
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return headers;
}

export async function* multipartParts(source: AsyncIterable<Buffer>, boundary: string): AsyncGenerator<MultipartPart> {
  const reader = new Reader(source[Symbol.asyncIterator]());
  const delimiter = Buffer.from(`\r\n--${boundary}`);
  // Preamble (ignored) up to the first delimiter.
  await reader.until(delimiter, 64 * 1024, 'the preamble');
  for (;;) {
    const after = await reader.take(2);
    if (after.toString('latin1') === '--') return;
    // Transport padding (spaces) then CRLF.
    const rest = after.toString('latin1') === '\r\n' ? Buffer.alloc(0) : Buffer.concat([after, await reader.until(CRLF, 1024, 'the boundary line')]);
    if (rest.length > 0 && rest.toString('latin1').trim() !== '') throw new MultipartError('text after a boundary delimiter');
    const headerBytes = await reader.until(HEADER_END, MAX_HEADER_BYTES, 'part headers');
    const headers = parseHeaders(headerBytes);
    const state = { finished: false };
    const body = (async function* () {
      yield* reader.streamUntil(delimiter);
      state.finished = true;
    })();
    yield { headers, body };
    // Whatever the consumer left of the body (read part-way, or abandoned) is skipped.
    if (!state.finished) {
      for await (const _ of reader.streamUntil(delimiter)) {
        // discarded
      }
    }
  }
}
