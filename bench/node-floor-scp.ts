// The benchmark peer `custom:node-floor`: the least a Node.js process can do to receive C-STOREs,
// as a reference for the null SCP built on @pacs/dicom (bench/null-scp.ts) in the same run. It
// reads the socket in flowing mode, frames PDUs by hand, drops every data fragment and answers
// each C-STORE-RQ with one write; it has no state machine (PS3.8 §9.2), no ARTIM timer, no
// streams, no backpressure, no validation beyond what storescu needs. The association is
// negotiated with the library (PS3.8 §9.3.2–9.3.3, once per association) and the command sets
// are read and written with its codec (PS3.7 §9.3.1.1–9.3.1.2), so the per-PDU and per-instance
// work that remains is Node's own: one JavaScript callback and one Buffer per socket read, one
// write per response. Whatever storescp does faster than this peer, no JavaScript library can.
// Not an SCP to run anywhere else: a malformed PDU just closes the connection.
//
// Environment (from run-peer.sh): PEER_PORT, PEER_AET (default PACS), PEER_DIR, MAX_PDU.
// It writes the number of answered C-STOREs to PEER_DIR/stored-count (bench/lib/count-file.ts).
// Usage: node --import tsx bench/node-floor-scp.ts
import { createServer, type Socket } from 'node:net';
import {
  CommandField,
  Status,
  cEchoRsp,
  cStoreRsp,
  decodeCommandSet,
  decodePdu,
  defaultAcceptancePolicy,
  encodeCommandSet,
  encodePdu,
  negotiateAssociation,
  pDataTfHeader,
  PDU_HEADER_LENGTH,
  PduType,
  type AAssociateRq,
  type DimseCommandBase,
  type DimseMessage,
} from '@pacs/dicom';
import { publishStoredCount } from './lib/count-file';

const port = Number(process.env['PEER_PORT'] ?? 11112);
const aeTitle = process.env['PEER_AET'] ?? 'PACS';
const maxPduLength = Number(process.env['MAX_PDU'] ?? 16384);
const policy = defaultAcceptancePolicy({ aeTitle, acceptUnknownCallingAe: true, maxPduLength });
const COMMAND = 0x01;
const LAST = 0x02;
/** PS3.8 §9.3.7: the same for every association. */
const RELEASE_RP = encodePdu({ type: 'A-RELEASE-RP' });

let stored = 0;

function respond(socket: Socket, presentationContextId: number, rsp: DimseCommandBase): void {
  const command = encodeCommandSet({ ...rsp, hasDataSet: false });
  socket.write(Buffer.concat([pDataTfHeader(presentationContextId, true, true, command.length), command]));
}

function answer(socket: Socket, presentationContextId: number, rq: DimseMessage): void {
  if (rq.commandField === CommandField.C_STORE_RQ) {
    stored++;
    const affectedSopClassUid = rq.affectedSopClassUid ?? '';
    const affectedSopInstanceUid = rq.affectedSopInstanceUid ?? '';
    respond(socket, presentationContextId, cStoreRsp({ messageIdBeingRespondedTo: rq.messageId ?? 0, affectedSopClassUid, affectedSopInstanceUid, status: Status.Success }));
  } else if (rq.commandField === CommandField.C_ECHO_RQ) {
    respond(socket, presentationContextId, cEchoRsp({ messageIdBeingRespondedTo: rq.messageId ?? 0, status: Status.Success }));
  } else socket.destroy();
}

function serve(socket: Socket): void {
  socket.setNoDelay(true);
  socket.on('error', () => socket.destroy());
  let partial: Buffer | undefined; // a PDU spanning reads, gathered once into its own buffer
  let partialFill = 0;
  let headerStart: Buffer | undefined; // the first 1–5 bytes of a header that a read split
  let commandFragments: Buffer[] = [];
  let command: DimseMessage | undefined;

  const onPData = (body: Buffer): void => {
    // PS3.8 §9.3.5.1: item length (4), presentation context id (1), message control header (1).
    for (let p = 0; p + 6 <= body.length; ) {
      const end = p + 4 + body.readUInt32BE(p);
      const id = body[p + 4]!;
      const control = body[p + 5]!;
      const data = body.subarray(p + 6, end);
      p = end;
      if (control & COMMAND) {
        commandFragments.push(data);
        if (control & LAST) {
          command = decodeCommandSet(commandFragments.length === 1 ? data : Buffer.concat(commandFragments));
          commandFragments = [];
          if (!command.hasDataSet) answer(socket, id, command);
        }
      } else if (control & LAST && command) answer(socket, id, command);
    }
  };
  const onPdu = (pdu: Buffer): void => {
    switch (pdu[0]) {
      case PduType['A-ASSOCIATE-RQ']: {
        const result = negotiateAssociation(decodePdu(pdu) as AAssociateRq, policy);
        socket.write(encodePdu(result.accepted ? result.ac : result.rj));
        if (!result.accepted) socket.end();
        return;
      }
      case PduType['P-DATA-TF']:
        return onPData(pdu.subarray(PDU_HEADER_LENGTH));
      case PduType['A-RELEASE-RQ']:
        socket.end(RELEASE_RP);
        return;
      default:
        socket.destroy();
    }
  };
  /** Starts gathering a PDU whose 6-byte header is `header`; false when it is too long. */
  const gather = (header: Buffer): boolean => {
    const length = PDU_HEADER_LENGTH + header.readUInt32BE(2);
    if (length > PDU_HEADER_LENGTH + maxPduLength && header[0] === PduType['P-DATA-TF']) return false;
    partial = Buffer.allocUnsafe(length);
    partialFill = header.copy(partial, 0, 0, PDU_HEADER_LENGTH);
    return true;
  };
  socket.on('data', (chunk: Buffer) => {
    try {
      receive(chunk);
    } catch {
      socket.destroy(); // a PDU or command set the codecs refuse
    }
  });
  const receive = (chunk: Buffer): void => {
    let pos = 0;
    if (headerStart) {
      const header = Buffer.concat([headerStart, chunk.subarray(0, PDU_HEADER_LENGTH - headerStart.length)]);
      pos = header.length - headerStart.length;
      headerStart = header.length < PDU_HEADER_LENGTH ? header : undefined;
      if (headerStart) return;
      if (!gather(header)) return void socket.destroy();
    }
    while (pos < chunk.length || partialFill === partial?.length) {
      if (partial) {
        const n = chunk.copy(partial, partialFill, pos);
        partialFill += n;
        pos += n;
        if (partialFill < partial.length) return;
        const pdu = partial;
        partial = undefined;
        onPdu(pdu);
        continue;
      }
      if (chunk.length - pos < PDU_HEADER_LENGTH) {
        headerStart = Buffer.from(chunk.subarray(pos));
        return;
      }
      const length = PDU_HEADER_LENGTH + chunk.readUInt32BE(pos + 2);
      if (chunk.length - pos >= length) {
        onPdu(chunk.subarray(pos, pos + length));
        pos += length;
        continue;
      }
      if (!gather(chunk.subarray(pos, pos + PDU_HEADER_LENGTH))) return void socket.destroy();
      pos += PDU_HEADER_LENGTH;
    }
  };
}

const server = createServer(serve);
server.listen(port, () => console.log(JSON.stringify({ msg: 'node-floor listening', port, aeTitle, maxPduLength })));
publishStoredCount('node-floor', () => stored, () => new Promise<void>((resolve) => server.close(() => resolve())));
