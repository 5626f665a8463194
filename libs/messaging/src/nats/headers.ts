import { headers as natsHeaders, type MsgHdrs } from '@nats-io/transport-node';
import type { BusHeaders } from '../bus';
import { isReservedHeader } from '../spec-rules';

export function toNatsHeaders(h: BusHeaders | undefined): MsgHdrs {
  const out = natsHeaders();
  for (const [k, v] of Object.entries(h ?? {})) out.set(k, v);
  return out;
}

/** The caller's headers only: JetStream's (Nats-*) and the reply framing's stay out. */
export function fromNatsHeaders(h: MsgHdrs | undefined): BusHeaders {
  const out: BusHeaders = {};
  if (!h) return out;
  for (const k of h.keys()) if (!isReservedHeader(k)) out[k] = h.get(k);
  return out;
}
