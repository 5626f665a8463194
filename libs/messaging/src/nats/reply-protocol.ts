import { headers as natsHeaders, type MsgHdrs } from '@nats-io/transport-node';

/**
 * Framing of request/reply over core NATS. A one-shot reply is the payload itself, or an
 * error frame. A streamed reply is: start (names the server's control subject), data
 * frames numbered from 1, then end or error. The requester grants credit on the control
 * subject as it reads (so a slow reader slows the server) and sends cancel there to stop
 * the server's handler (C-CANCEL of a C-FIND).
 */
export const H = {
  /** request: "1" when the requester reads a streamed reply */
  stream: 'Pacs-Bus-Stream',
  /** request: replies the server may send before more credit arrives */
  window: 'Pacs-Bus-Window',
  /** request: ms the requester waits; the server aborts its handler after that */
  timeout: 'Pacs-Bus-Timeout',
  /** reply: start | data | end | error | protocol-error */
  frame: 'Pacs-Bus-Frame',
  seq: 'Pacs-Bus-Seq',
  /** start frame: where credit and cancel go */
  control: 'Pacs-Bus-Control',
  /** control: more replies the server may send */
  credit: 'Pacs-Bus-Credit',
  /** control: "1" to stop the handler */
  cancel: 'Pacs-Bus-Cancel',
  errorName: 'Pacs-Bus-Error-Name',
  errorMessage: 'Pacs-Bus-Error-Message',
} as const;

export type Frame = 'start' | 'data' | 'end' | 'error' | 'protocol-error';

export function frameHeaders(frame: Frame, extra: Record<string, string> = {}): MsgHdrs {
  const h = natsHeaders();
  h.set(H.frame, frame);
  for (const [k, v] of Object.entries(extra)) h.set(k, v);
  return h;
}

/** Header values are single lines of bounded length. */
export function headerValue(s: string, max = 1024): string {
  const line = s.replace(/[\r\n]+/g, ' ');
  return line.length > max ? `${line.slice(0, max)}…` : line;
}

export function errorHeaders(frame: 'error' | 'protocol-error', name: string, message: string): MsgHdrs {
  return frameHeaders(frame, { [H.errorName]: headerValue(name, 128), [H.errorMessage]: headerValue(message) });
}
