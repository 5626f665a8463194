import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ProviderAbortReason } from './abort-reasons';
import { decodePdu, encodePdu, encodedPduLength } from './pdu-codec';
import { PduDecodeError, PduEncodeError } from './pdu-error';
import { pDataTfHeader } from './p-data-tf';
import type { AAssociateAc, AAssociateRq, Pdu } from './pdu-types';

const pdu = (type: number, body: number[] | Buffer): Buffer => {
  const b = Buffer.from(body);
  const h = Buffer.alloc(6);
  h[0] = type;
  h.writeUInt32BE(b.length, 2);
  return Buffer.concat([h, b]);
};
const item = (type: number, body: number[] | Buffer | string): Buffer => {
  const b = typeof body === 'string' ? Buffer.from(body, 'latin1') : Buffer.from(body);
  const h = Buffer.from([type, 0, 0, 0]);
  h.writeUInt16BE(b.length, 2);
  return Buffer.concat([h, b]);
};
const fixedRq = (): Buffer => Buffer.concat([Buffer.from([0, 1, 0, 0]), Buffer.from('PACS'.padEnd(16) + 'MODALITY'.padEnd(16)), Buffer.alloc(32)]);

function rejects(buf: Buffer, reason: ProviderAbortReason, options?: { maxPduLength?: number }): PduDecodeError {
  let caught: unknown;
  try {
    decodePdu(buf, options);
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof PduDecodeError, `expected PduDecodeError, got ${String(caught)}`);
  assert.equal(caught.abortReason, reason, caught.message);
  assert.equal(caught.abortSource, 2);
  return caught;
}

const rq: AAssociateRq = {
  type: 'A-ASSOCIATE-RQ',
  protocolVersion: 1,
  calledAeTitle: 'PACS',
  callingAeTitle: 'CT1',
  applicationContextName: '1.2.840.10008.3.1.1.1',
  presentationContexts: [
    { id: 1, abstractSyntax: '1.2.840.10008.1.1', transferSyntaxes: ['1.2.840.10008.1.2'] },
    { id: 3, abstractSyntax: '1.2.840.10008.5.1.4.1.1.2', transferSyntaxes: ['1.2.840.10008.1.2.1', '1.2.840.10008.1.2'] },
  ],
  userInformation: [
    { type: 'maximum-length', maximumLength: 0 },
    { type: 'implementation-class-uid', implementationClassUid: '1.2.3' },
    { type: 'user-identity-rq', userIdentityType: 1, positiveResponseRequested: true, primaryField: Buffer.from('bob'), secondaryField: Buffer.alloc(0) },
  ],
};

describe('encode then decode', () => {
  test('A-ASSOCIATE-RQ built in code survives a round trip', () => {
    const bytes = encodePdu(rq);
    assert.equal(bytes.length, encodedPduLength(rq));
    assert.deepEqual(decodePdu(bytes), rq);
  });

  test('A-ASSOCIATE-AC with a rejected context without transfer syntax sub-item', () => {
    const ac: AAssociateAc = {
      ...rq,
      type: 'A-ASSOCIATE-AC',
      presentationContexts: [{ id: 1, result: 0, transferSyntax: '1.2.840.10008.1.2' }, { id: 3, result: 3 }],
      userInformation: [{ type: 'user-identity-ac', serverResponse: Buffer.from('ticket') }],
    };
    assert.deepEqual(decodePdu(encodePdu(ac)), ac);
  });

  test('every fixed-size PDU', () => {
    const pdus: Pdu[] = [
      { type: 'A-ASSOCIATE-RJ', result: 2, source: 3, reason: 2 },
      { type: 'A-RELEASE-RQ' },
      { type: 'A-RELEASE-RP' },
      { type: 'A-ABORT', source: 2, reason: 6 },
    ];
    for (const p of pdus) {
      const bytes = encodePdu(p);
      assert.equal(bytes.length, 10);
      assert.deepEqual(decodePdu(bytes), p);
    }
  });

  test('P-DATA-TF with several PDVs; message control header bits', () => {
    const p: Pdu = {
      type: 'P-DATA-TF',
      pdvs: [
        { presentationContextId: 1, isCommand: true, isLast: false, data: Buffer.from([1, 2]) },
        { presentationContextId: 1, isCommand: true, isLast: true, data: Buffer.from([3]) },
        { presentationContextId: 3, isCommand: false, isLast: true, data: Buffer.alloc(0) },
      ],
    };
    const bytes = encodePdu(p);
    assert.deepEqual([bytes[11], bytes[19], bytes[26]], [0x01, 0x03, 0x02]);
    assert.deepEqual(decodePdu(bytes), p);
  });

  test('pDataTfHeader + payload equals the encoded single-PDV P-DATA-TF', () => {
    const data = Buffer.from('payload');
    const whole = encodePdu({ type: 'P-DATA-TF', pdvs: [{ presentationContextId: 5, isCommand: false, isLast: true, data }] });
    assert.deepEqual(Buffer.concat([pDataTfHeader(5, false, true, data.length), data]), whole);
  });

  test('AE titles are space padded to 16 bytes and trimmed on decode', () => {
    const bytes = encodePdu(rq);
    assert.equal(bytes.toString('latin1', 10, 26), 'PACS            ');
    assert.equal(bytes.toString('latin1', 26, 42), 'CT1             ');
  });

  test('an AE title over 16 characters cannot be encoded', () => {
    assert.throws(() => encodePdu({ ...rq, calledAeTitle: 'A'.repeat(17) }), PduEncodeError);
  });

  test('an out-of-range number cannot be encoded', () => {
    assert.throws(() => encodePdu({ type: 'A-ABORT', source: 256, reason: 0 }), PduEncodeError);
  });

  test('a trailing NUL after a UID (seen from some peers) is dropped', () => {
    const body = Buffer.concat([fixedRq(), item(0x10, '1.2.840.10008.3.1.1.1\0'), item(0x50, [])]);
    const decoded = decodePdu(pdu(1, body)) as AAssociateRq;
    assert.equal(decoded.applicationContextName, '1.2.840.10008.3.1.1.1');
  });
});

describe('decode rejects malformed PDUs with the A-ABORT reason to send (PS3.8 §9.3.8)', () => {
  test('unknown PDU type → unrecognized-PDU (1)', () => {
    rejects(pdu(0x08, [0, 0, 0, 0]), ProviderAbortReason.UnrecognizedPdu);
  });

  test('PDU length over our maximum → invalid-PDU-parameter-value (6)', () => {
    const e = rejects(pdu(4, Buffer.alloc(100)), ProviderAbortReason.InvalidPduParameterValue, { maxPduLength: 99 });
    assert.match(e.message, /exceeds the maximum of 99/);
  });

  test('the negotiated maximum bounds P-DATA-TF only: a large A-ASSOCIATE-RQ is read (PS3.8 Annex D.1)', () => {
    const contexts = Array.from({ length: 100 }, (_, i) =>
      item(0x20, Buffer.concat([Buffer.from([2 * i + 1, 0, 0, 0]), item(0x30, '1.2.840.10008.5.1.4.1.1.2'), item(0x40, '1.2.840.10008.1.2.1')])),
    );
    const body = Buffer.concat([fixedRq(), item(0x10, '1.2.840.10008.3.1.1.1'), ...contexts, item(0x50, [])]);
    assert.ok(body.length > 4096);
    const decoded = decodePdu(pdu(1, body), { maxPduLength: 4096 }) as AAssociateRq;
    assert.equal(decoded.presentationContexts.length, 100);
  });

  test('a control PDU over 1 MiB is still refused whatever the negotiated maximum', () => {
    const e = rejects(pdu(1, Buffer.alloc(2 * 1024 * 1024)), ProviderAbortReason.InvalidPduParameterValue, { maxPduLength: 16384 });
    assert.match(e.message, /A-ASSOCIATE-RQ length \d+ exceeds the maximum of 1048576/);
  });

  test('PDU length field not matching the bytes → 6', () => {
    const b = pdu(5, [0, 0, 0, 0]);
    b.writeUInt32BE(5, 2);
    rejects(b, ProviderAbortReason.InvalidPduParameterValue);
  });

  test('A-RELEASE-RQ, A-ABORT, A-ASSOCIATE-RJ of the wrong length → 6', () => {
    rejects(pdu(5, [0, 0, 0]), ProviderAbortReason.InvalidPduParameterValue);
    rejects(pdu(7, [0, 0, 0, 0, 0]), ProviderAbortReason.InvalidPduParameterValue);
    rejects(pdu(3, [0, 1, 1]), ProviderAbortReason.InvalidPduParameterValue);
  });

  test('item length reaching past its PDU → 6', () => {
    const ac = item(0x10, '1.2.840.10008.3.1.1.1');
    ac.writeUInt16BE(500, 2);
    rejects(pdu(1, Buffer.concat([fixedRq(), ac])), ProviderAbortReason.InvalidPduParameterValue);
  });

  test('A-ASSOCIATE-RQ shorter than its fixed fields → 6', () => {
    rejects(pdu(1, Buffer.alloc(20)), ProviderAbortReason.InvalidPduParameterValue);
  });

  test('a presentation context AC item (21H) inside an A-ASSOCIATE-RQ → unexpected-PDU-parameter (5)', () => {
    const pc = item(0x21, [1, 0, 0, 0]);
    rejects(pdu(1, Buffer.concat([fixedRq(), item(0x10, '1.2.840.10008.3.1.1.1'), pc])), ProviderAbortReason.UnexpectedPduParameter);
  });

  test('an unknown sub-item inside a presentation context → unrecognized-PDU-parameter (4)', () => {
    const pc = item(0x20, Buffer.concat([Buffer.from([1, 0, 0, 0]), item(0x30, '1.2'), item(0x6e, [])]));
    rejects(pdu(1, Buffer.concat([fixedRq(), item(0x10, '1.2.840.10008.3.1.1.1'), pc])), ProviderAbortReason.UnrecognizedPduParameter);
  });

  test('a presentation context without abstract syntax → 6', () => {
    const pc = item(0x20, Buffer.concat([Buffer.from([1, 0, 0, 0]), item(0x40, '1.2.840.10008.1.2')]));
    rejects(pdu(1, Buffer.concat([fixedRq(), item(0x10, '1.2.840.10008.3.1.1.1'), pc])), ProviderAbortReason.InvalidPduParameterValue);
  });

  test('a maximum length sub-item of 3 bytes → 6', () => {
    const ui = item(0x50, item(0x51, [0, 0, 1]));
    rejects(pdu(1, Buffer.concat([fixedRq(), item(0x10, '1.2.840.10008.3.1.1.1'), ui])), ProviderAbortReason.InvalidPduParameterValue);
  });

  test('a role selection UID length past its item → 6', () => {
    const ui = item(0x50, item(0x54, [0, 9, 0x31, 1, 1]));
    rejects(pdu(1, Buffer.concat([fixedRq(), item(0x10, '1.2.840.10008.3.1.1.1'), ui])), ProviderAbortReason.InvalidPduParameterValue);
  });

  test('unknown User Information sub-items are kept and skipped, not fatal', () => {
    const ui = item(0x50, Buffer.concat([item(0x51, [0, 0, 0x40, 0]), item(0x99, [7]), item(0x52, '1.2')]));
    const d = decodePdu(pdu(1, Buffer.concat([fixedRq(), item(0x10, '1.2.840.10008.3.1.1.1'), ui]))) as AAssociateRq;
    assert.deepEqual(d.userInformation, [
      { type: 'maximum-length', maximumLength: 16384 },
      { type: 'unknown', itemType: 0x99, data: Buffer.from([7]) },
      { type: 'implementation-class-uid', implementationClassUid: '1.2' },
    ]);
  });

  test('unknown top-level items are kept and re-encoded', () => {
    const body = Buffer.concat([fixedRq(), item(0x10, '1.2.840.10008.3.1.1.1'), item(0x50, []), item(0x60, [1, 2])]);
    const bytes = pdu(1, body);
    const d = decodePdu(bytes) as AAssociateRq;
    assert.deepEqual(d.unknownItems, [{ itemType: 0x60, data: Buffer.from([1, 2]) }]);
    assert.deepEqual(encodePdu(d), bytes);
  });

  test('P-DATA-TF without PDV → 6', () => {
    rejects(pdu(4, []), ProviderAbortReason.InvalidPduParameterValue);
  });

  test('PDV item length 1 (shorter than its header) → 6', () => {
    rejects(pdu(4, [0, 0, 0, 1, 1]), ProviderAbortReason.InvalidPduParameterValue);
  });

  test('PDV item length past the PDU → 6', () => {
    rejects(pdu(4, [0, 0, 0, 9, 1, 3, 0]), ProviderAbortReason.InvalidPduParameterValue);
  });

  test('the error names the PDU', () => {
    const e = rejects(pdu(4, [0, 0, 0, 1, 1]), ProviderAbortReason.InvalidPduParameterValue);
    assert.equal(e.pduType, 4);
    assert.match(e.message, /P-DATA-TF/);
  });
});
