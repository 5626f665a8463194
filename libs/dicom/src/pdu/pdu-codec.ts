// Whole-PDU encode/decode, PS3.8 §9.3: a table from PDU type to body layout.
import { ProviderAbortReason } from './abort-reasons';
import { aAssociateAcBody, aAssociateRqBody } from './associate';
import { reserved, struct, u8, type Field } from './fields';
import { hex } from './items';
import { PDU_HEADER_LENGTH, pDataTfBody } from './p-data-tf';
import { PduDecodeError, invalidValue } from './pdu-error';
import { PduType, type Pdu, type PduName } from './pdu-types';
import { WireReader, WireWriter } from './wire';

/** Default upper bound for a P-DATA-TF length field we accept (16 MiB). */
export const DEFAULT_MAX_PDU_LENGTH = 16 * 1024 * 1024;

/**
 * Upper bound for the other PDU types. PS3.8 Annex D.1 negotiates the maximum length of
 * P-DATA-TF PDUs only; an A-ASSOCIATE-RQ proposing many contexts (getscu proposes ~17 KB)
 * may exceed a small negotiated maximum. 1 MiB is far above the largest legal request
 * (128 contexts with dozens of transfer syntaxes plus a 64 KiB user identity).
 */
export const MAX_CONTROL_PDU_LENGTH = 1024 * 1024;

type Bodies = { [K in PduName]: Field<Omit<Extract<Pdu, { type: K }>, 'type'>> };

const pduBodies: Bodies = {
  'A-ASSOCIATE-RQ': aAssociateRqBody,
  'A-ASSOCIATE-AC': aAssociateAcBody,
  // PS3.8 §9.3.4, Table 9-21
  'A-ASSOCIATE-RJ': struct([reserved(1), ['result', u8], ['source', u8], ['reason', u8]]),
  'P-DATA-TF': pDataTfBody,
  // PS3.8 §9.3.6 and §9.3.7
  'A-RELEASE-RQ': struct([reserved(4)]),
  'A-RELEASE-RP': struct([reserved(4)]),
  // PS3.8 §9.3.8, Table 9-26
  'A-ABORT': struct([reserved(2), ['source', u8], ['reason', u8]]),
};

const pduNameByType = new Map<number, PduName>(Object.entries(PduType).map(([name, type]) => [type, name as PduName]));

export function pduNameOf(type: number): PduName | undefined {
  return pduNameByType.get(type);
}

export interface DecodeOptions {
  /** Largest P-DATA-TF length field accepted; larger is an invalid-PDU-parameter-value abort. */
  maxPduLength?: number;
}

/**
 * Checks a PDU header (the first 6 bytes) and returns its body length. Called before any
 * buffer for the body is allocated.
 */
export function checkPduHeader(type: number, length: number, maxPduLength = DEFAULT_MAX_PDU_LENGTH): PduName {
  const name = pduNameByType.get(type);
  if (name === undefined) throw new PduDecodeError(ProviderAbortReason.UnrecognizedPdu, `PDU type ${hex(type)}`, type);
  const limit = name === 'P-DATA-TF' ? maxPduLength : Math.max(maxPduLength, MAX_CONTROL_PDU_LENGTH);
  if (length > limit) {
    throw invalidValue(`${name} length ${length} exceeds the maximum of ${limit}`, type);
  }
  return name;
}

/** Decodes one complete PDU (header included). Byte fields of the result are views into `buf`. */
export function decodePdu(buf: Buffer, options: DecodeOptions = {}): Pdu {
  if (buf.length < PDU_HEADER_LENGTH) throw invalidValue(`PDU of ${buf.length} bytes is shorter than its header`);
  const type = buf.readUInt8(0);
  const length = buf.readUInt32BE(2);
  const name = checkPduHeader(type, length, options.maxPduLength);
  if (length !== buf.length - PDU_HEADER_LENGTH) {
    throw invalidValue(`${name} length field ${length} does not match ${buf.length - PDU_HEADER_LENGTH} bytes`, type);
  }
  return decodePduBody(name, buf, PDU_HEADER_LENGTH, buf.length);
}

/** Decodes the body of a PDU whose header was already checked. */
export function decodePduBody(name: PduName, buf: Buffer, start: number, end: number): Pdu {
  const r = new WireReader(buf, start, end);
  const body = pduBodies[name] as Field<object>;
  let value: object;
  try {
    value = body.read(r, name);
  } catch (err) {
    if (err instanceof PduDecodeError && err.pduType === undefined) {
      throw new PduDecodeError(err.abortReason, `${name}: ${err.detail}`, PduType[name]);
    }
    throw err;
  }
  if (r.remaining !== 0) throw invalidValue(`${r.remaining} unexpected bytes at the end of ${name}`, PduType[name]);
  return { type: name, ...value } as Pdu;
}

export function encodedPduLength(pdu: Pdu): number {
  return PDU_HEADER_LENGTH + (pduBodies[pdu.type] as Field<Pdu>).size(pdu);
}

export function encodePdu(pdu: Pdu): Buffer {
  const body = pduBodies[pdu.type] as Field<Pdu>;
  const length = body.size(pdu);
  const w = new WireWriter(Buffer.allocUnsafe(PDU_HEADER_LENGTH + length));
  w.u8(PduType[pdu.type], 'PDU type');
  w.u8(0, 'reserved');
  w.u32(length, 'PDU length');
  body.write(w, pdu, pdu.type);
  return w.buf;
}
