// Outbound DIMSE message parts as P-DATA-TF PDUs of one PDV each (PS3.8 §9.3.5), sized to
// the peer's Maximum Length. Payload pieces are views of the caller's buffers, never copied.
import type { Readable } from 'node:stream';
import { PDV_HEADER_LENGTH, type Pdv } from '../pdu';

export interface PDataSink {
  /** Sends one PDV through the state machine (Evt9); throws if the state forbids it. */
  sendPdv(pdv: Pdv): void;
  /** True when the socket buffer is full (socket.write returned false). */
  needsDrain(): boolean;
  /** Calls `fn` once the socket buffer drained, or with an error once the association ended. */
  onDrain(fn: (err?: Error) => void): void;
}

/**
 * Largest data piece per PDV for a peer that receives P-DATA-TF of at most `peerMaxPduLength`,
 * rounded down to even: DICOM values have even lengths and peers (DCMTK: "Odd Fragment
 * Length") refuse odd fragments.
 */
export function maxFragmentLength(peerMaxPduLength: number, unlimitedCap: number): number {
  const pdu = peerMaxPduLength === 0 ? unlimitedCap : Math.min(peerMaxPduLength, unlimitedCap);
  return Math.max(2, (pdu - PDV_HEADER_LENGTH) & ~1);
}

export function sendBuffer(sink: PDataSink, presentationContextId: number, isCommand: boolean, data: Buffer, maxFragment: number): void {
  let pos = 0;
  do {
    const end = Math.min(pos + maxFragment, data.length);
    sink.sendPdv({ presentationContextId, isCommand, isLast: end === data.length, data: data.subarray(pos, end) });
    pos = end;
  } while (pos < data.length);
}

/**
 * Streams a data set. Chunks are cut into fragments (views, no copy); the newest fragment
 * is held back until more data or the end arrives, so the last one can carry the "last"
 * bit. A chunk ending on an odd byte leaves that byte to be joined with the start of the
 * next chunk, the only copy made, so every fragment but the last stays even. Reading
 * pauses while the socket buffer is full.
 */
export function sendStream(sink: PDataSink, presentationContextId: number, source: Readable, maxFragment: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let held: Buffer | undefined;
    let carry: Buffer | undefined;
    let settled = false;
    const finish = (err?: Error): void => {
      if (settled) return;
      settled = true;
      source.off('data', onData);
      source.off('end', onEnd);
      source.off('error', finish);
      if (err) reject(err);
      else resolve();
    };
    const send = (data: Buffer, isLast: boolean): void =>
      sink.sendPdv({ presentationContextId, isCommand: false, isLast, data });
    const queue = (piece: Buffer): void => {
      if (piece.length % 2 === 1) {
        carry = piece.subarray(piece.length - 1);
        piece = piece.subarray(0, piece.length - 1);
      }
      if (piece.length === 0) return;
      if (held) send(held, false);
      held = piece;
    };
    const onData = (chunk: Buffer | string): void => {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      try {
        let pos = 0;
        if (carry) {
          pos = Math.min(maxFragment - 1, buf.length);
          const joined = Buffer.concat([carry, buf.subarray(0, pos)]);
          carry = undefined;
          queue(joined);
        }
        for (; pos < buf.length; pos += maxFragment) queue(buf.subarray(pos, Math.min(pos + maxFragment, buf.length)));
      } catch (err) {
        finish(err as Error);
        return;
      }
      if (sink.needsDrain()) {
        source.pause();
        sink.onDrain((err) => {
          if (err) finish(err);
          else if (!settled) source.resume();
        });
      }
    };
    const onEnd = (): void => {
      try {
        if (carry) {
          if (held) send(held, false);
          held = carry;
        }
        send(held ?? Buffer.alloc(0), true);
        finish();
      } catch (err) {
        finish(err as Error);
      }
    };
    source.on('data', onData);
    source.once('end', onEnd);
    source.once('error', finish);
  });
}
