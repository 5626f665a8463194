import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ProviderAbortReason } from './abort-reasons';
import { encodePdu } from './pdu-codec';
import { PduDecodeError } from './pdu-error';
import { PduReader } from './pdu-reader';
import type { Pdu } from './pdu-types';

const stream: Pdu[] = [
  { type: 'A-RELEASE-RQ' },
  {
    type: 'P-DATA-TF',
    pdvs: [
      { presentationContextId: 1, isCommand: true, isLast: true, data: Buffer.from('command') },
      { presentationContextId: 1, isCommand: false, isLast: false, data: Buffer.alloc(3000, 7) },
    ],
  },
  { type: 'A-ABORT', source: 0, reason: 0 },
  { type: 'P-DATA-TF', pdvs: [{ presentationContextId: 3, isCommand: false, isLast: true, data: Buffer.from('x') }] },
];
const bytes = Buffer.concat(stream.map(encodePdu));

function readAll(reader: PduReader, chunks: Buffer[]): Pdu[] {
  const out: Pdu[] = [];
  for (const c of chunks) for (const p of reader.push(c)) out.push(p);
  return out;
}

function split(buf: Buffer, sizes: (i: number) => number): Buffer[] {
  const chunks: Buffer[] = [];
  for (let pos = 0, i = 0; pos < buf.length; i++) {
    const n = Math.max(1, sizes(i));
    chunks.push(buf.subarray(pos, pos + n));
    pos += n;
  }
  return chunks;
}

describe('PduReader', () => {
  test('one chunk with several PDUs', () => {
    assert.deepEqual(readAll(new PduReader(), [bytes]), stream);
  });

  test('every split point of the stream into two chunks', () => {
    for (let at = 0; at <= bytes.length; at += 7) {
      assert.deepEqual(readAll(new PduReader(), [bytes.subarray(0, at), bytes.subarray(at)]), stream, `split at ${at}`);
    }
  });

  test('1-byte chunks', () => {
    assert.deepEqual(readAll(new PduReader(), split(bytes, () => 1)), stream);
  });

  test('pseudo-random chunk sizes', () => {
    let seed = 42;
    const next = (): number => (seed = (seed * 1103515245 + 12345) & 0x7fffffff);
    for (let round = 0; round < 20; round++) {
      assert.deepEqual(readAll(new PduReader(), split(bytes, () => next() % 200)), stream);
    }
  });

  test('a PDU inside one chunk yields PDV data as a view into that chunk (no copy)', () => {
    const chunk = encodePdu(stream[1]!);
    const [p] = readAll(new PduReader(), [chunk]);
    assert.equal(p?.type, 'P-DATA-TF');
    assert.equal(p.pdvs[1]!.data.buffer, chunk.buffer);
  });

  test('an empty chunk yields nothing and changes nothing', () => {
    const reader = new PduReader();
    assert.deepEqual(readAll(reader, [Buffer.alloc(0)]), []);
    assert.ok(reader.idle);
  });

  test('reports a partial PDU as not idle', () => {
    const reader = new PduReader();
    readAll(reader, [bytes.subarray(0, 3)]);
    assert.equal(reader.idle, false);
  });

  test('a length over maxPduLength is refused from the 6-byte header alone, before allocating', () => {
    const reader = new PduReader({ maxPduLength: 1024 });
    const header = Buffer.from([4, 0, 0xff, 0xff, 0xff, 0xf0]);
    assert.throws(
      () => readAll(reader, [header]),
      (e: unknown) => e instanceof PduDecodeError && e.abortReason === ProviderAbortReason.InvalidPduParameterValue,
    );
  });

  test('the same limit applies when the header arrives byte by byte', () => {
    const reader = new PduReader({ maxPduLength: 1024 });
    const header = Buffer.from([4, 0, 0, 0, 4, 1]);
    assert.throws(() => readAll(reader, split(header, () => 1)), PduDecodeError);
  });

  test('an unknown PDU type is unrecognized-PDU (1) from its header', () => {
    assert.throws(
      () => readAll(new PduReader(), [Buffer.from([0x09, 0, 0, 0, 0, 4])]),
      (e: unknown) => e instanceof PduDecodeError && e.abortReason === ProviderAbortReason.UnrecognizedPdu,
    );
  });

  test('PDUs before a bad one are yielded first', () => {
    const bad = Buffer.from([0x4f, 0, 0, 0, 0, 0]);
    const out: Pdu[] = [];
    assert.throws(() => {
      for (const p of new PduReader().push(Buffer.concat([encodePdu({ type: 'A-RELEASE-RP' }), bad]))) out.push(p);
    }, PduDecodeError);
    assert.deepEqual(out, [{ type: 'A-RELEASE-RP' }]);
  });
});
