import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { boundaryOf, MultipartError, multipartParts } from './multipart';

async function* chunks(body: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < body.length; i += size) yield body.subarray(i, i + size);
}

async function collect(body: Buffer, boundary: string, size: number, readParts = true): Promise<{ headers: Record<string, string>; body: string }[]> {
  const out: { headers: Record<string, string>; body: string }[] = [];
  for await (const part of multipartParts(chunks(body, size), boundary)) {
    const bytes: Buffer[] = [];
    if (readParts) for await (const c of part.body) bytes.push(c);
    out.push({ headers: part.headers, body: Buffer.concat(bytes).toString('latin1') });
  }
  return out;
}

const BODY = Buffer.from('preamble\r\n--xyz\r\nContent-Type: application/dicom\r\n\r\nfirst part\r\n--x\r\n--xyz  \r\nContent-Type: application/dicom\r\n\r\nsecond\r\n--xyz--\r\nepilogue');

describe('multipart/related reader (RFC 2046 §5.1)', () => {
  test('boundary from the Content-Type, quoted or not', () => {
    assert.equal(boundaryOf('multipart/related; type="application/dicom"; boundary=abc'), 'abc');
    assert.equal(boundaryOf('multipart/related; boundary="a b"'), 'a b');
    assert.equal(boundaryOf('multipart/related'), undefined);
  });

  test('parts and headers, whatever the chunking (a delimiter split across chunks included); text like a boundary inside a part is data', async () => {
    for (const size of [1, 2, 3, 7, 64, 10_000]) {
      const parts = await collect(BODY, 'xyz', size);
      assert.deepEqual(parts.map((p) => p.body), ['first part\r\n--x', 'second'], `chunk size ${size}`);
      assert.equal(parts[0]!.headers['content-type'], 'application/dicom');
    }
  });

  test('a part the reader leaves unread is skipped', async () => {
    const parts = await collect(BODY, 'xyz', 5, false);
    assert.equal(parts.length, 2);
  });

  test('no closing delimiter → MultipartError', async () => {
    await assert.rejects(collect(Buffer.from('--xyz\r\nA: b\r\n\r\nbody without end'), 'xyz', 4), MultipartError);
  });
});
