// The listener ↔ qr-service messages over bus request/reply (ARCHITECTURE.md data flow). A
// request is JSON with the identifier as Explicit VR Little Endian bytes (base64); replies are
// one frame each: a type byte, then the body. A C-FIND match is the response identifier in
// Explicit VR Little Endian; a retrieve sends instance lists; the last frame is the outcome.
import { readDataSet, TransferSyntaxUid, writeDataSet, type DataSet } from '@pacs/dicom';
import type { RetrieveInstance } from './retrieve-query';

/** Queue group every qr-service replica serves in (one request goes to one replica). */
export const QR_QUEUE_GROUP = 'qr-service';

/**
 * Subjects of the deployment whose bus.streamPrefix is `namespace`: "pacs.qr.find" and
 * "pacs.qr.retrieve" for the default "PACS", so several archives can share one NATS.
 */
export function qrSubjects(namespace = 'PACS'): { find: string; retrieve: string } {
  const suffix = namespace === 'PACS' ? '' : `.${namespace}`;
  return { find: `pacs.qr.find${suffix}`, retrieve: `pacs.qr.retrieve${suffix}` };
}

const EXPLICIT_LE = TransferSyntaxUid.ExplicitVRLittleEndian;

export class QrProtocolError extends Error {
  override readonly name = 'QrProtocolError';
}

export interface QrRequest {
  /** The Q/R SOP class (information model) of the request. */
  sopClassUid: string;
  callingAeTitle: string;
  /** The AE title the SCU called: ours, answered as Retrieve AE Title. */
  calledAeTitle: string;
  /** Negotiated extended behaviour (C-FIND only). */
  relational?: boolean;
  combinedDateTime?: boolean;
  identifier: DataSet;
}

/** The final DIMSE outcome of a request. */
export interface QrOutcome {
  status: number;
  errorComment?: string;
  offendingElements?: number[];
}

export type FindReply = { kind: 'match'; status: 0xff00 | 0xff01; identifier: DataSet } | ({ kind: 'final' } & QrOutcome);
export type RetrieveReply = { kind: 'instances'; instances: RetrieveInstance[] } | ({ kind: 'final' } & QrOutcome);

const MATCH = 0x01;
const FINAL = 0x02;
const INSTANCES = 0x03;

interface WireRequest extends Omit<QrRequest, 'identifier'> {
  v: 1;
  identifier: string;
}

export function encodeQrRequest(request: QrRequest): Uint8Array {
  const wire: WireRequest = { ...request, v: 1, identifier: writeDataSet(request.identifier, EXPLICIT_LE).toString('base64') };
  return Buffer.from(JSON.stringify(wire));
}

export function decodeQrRequest(data: Uint8Array): QrRequest {
  let wire: Partial<WireRequest>;
  try {
    wire = JSON.parse(Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8')) as Partial<WireRequest>;
  } catch {
    throw new QrProtocolError('Q/R request is not JSON');
  }
  if (wire.v !== 1 || typeof wire.sopClassUid !== 'string' || typeof wire.identifier !== 'string' || typeof wire.callingAeTitle !== 'string' || typeof wire.calledAeTitle !== 'string') {
    throw new QrProtocolError('Q/R request lacks sopClassUid, AE titles or identifier');
  }
  let identifier: DataSet;
  try {
    identifier = readDataSet(Buffer.from(wire.identifier, 'base64'), EXPLICIT_LE);
  } catch (err) {
    throw new QrProtocolError(`Q/R request identifier unreadable: ${err instanceof Error ? err.message : String(err)}`);
  }
  return {
    sopClassUid: wire.sopClassUid,
    callingAeTitle: wire.callingAeTitle,
    calledAeTitle: wire.calledAeTitle,
    relational: wire.relational === true,
    combinedDateTime: wire.combinedDateTime === true,
    identifier,
  };
}

function frame(type: number, body: Buffer): Uint8Array {
  return Buffer.concat([Buffer.of(type), body]);
}

function outcomeBody(outcome: QrOutcome): Buffer {
  return Buffer.from(JSON.stringify({ status: outcome.status, errorComment: outcome.errorComment, offendingElements: outcome.offendingElements }));
}

export function encodeFindMatch(identifier: DataSet, status: 0xff00 | 0xff01 = 0xff00): Uint8Array {
  const head = Buffer.alloc(3);
  head[0] = MATCH;
  head.writeUInt16BE(status, 1);
  return Buffer.concat([head, writeDataSet(identifier, EXPLICIT_LE)]);
}

export function encodeOutcome(outcome: QrOutcome): Uint8Array {
  return frame(FINAL, outcomeBody(outcome));
}

export function encodeRetrieveInstances(instances: readonly RetrieveInstance[]): Uint8Array {
  return frame(INSTANCES, Buffer.from(JSON.stringify(instances)));
}

function bytes(data: Uint8Array): Buffer {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

function json(body: Buffer, what: string): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new QrProtocolError(`${what} is not JSON`);
  }
}

function decodeOutcome(body: Buffer): QrOutcome {
  const parsed = json(body, 'Q/R outcome') as Partial<QrOutcome>;
  if (typeof parsed.status !== 'number') throw new QrProtocolError('Q/R outcome without status');
  const outcome: QrOutcome = { status: parsed.status };
  if (typeof parsed.errorComment === 'string') outcome.errorComment = parsed.errorComment;
  if (Array.isArray(parsed.offendingElements)) outcome.offendingElements = parsed.offendingElements.filter((t): t is number => typeof t === 'number');
  return outcome;
}

export function decodeFindReply(data: Uint8Array): FindReply {
  const b = bytes(data);
  if (b[0] === MATCH && b.length >= 3) {
    const status = b.readUInt16BE(1) === 0xff01 ? 0xff01 : 0xff00;
    return { kind: 'match', status, identifier: readDataSet(b.subarray(3), EXPLICIT_LE) };
  }
  if (b[0] === FINAL) return { kind: 'final', ...decodeOutcome(b.subarray(1)) };
  throw new QrProtocolError(`unexpected C-FIND reply frame ${b[0] ?? '(empty)'}`);
}

export function decodeRetrieveReply(data: Uint8Array): RetrieveReply {
  const b = bytes(data);
  if (b[0] === INSTANCES) {
    const instances = json(b.subarray(1), 'instance list');
    if (!Array.isArray(instances)) throw new QrProtocolError('instance list is not an array');
    return { kind: 'instances', instances: instances as RetrieveInstance[] };
  }
  if (b[0] === FINAL) return { kind: 'final', ...decodeOutcome(b.subarray(1)) };
  throw new QrProtocolError(`unexpected retrieve reply frame ${b[0] ?? '(empty)'}`);
}
