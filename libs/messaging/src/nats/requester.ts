import { createInbox, Empty, type Msg, type NatsConnection } from '@nats-io/transport-node';
import type { RequestOptions, RequestStreamOptions } from '../bus';
import { BusAbortedError, BusNoRespondersError, BusProtocolError, BusRemoteError, BusTimeoutError } from '../errors';
import { guard } from '../guard';
import type { BusLogger } from '../logger';
import { checkHeaders, checkPublishSubject } from '../spec-rules';
import { toNatsHeaders } from './headers';
import { requestError } from './nats-errors';
import { H } from './reply-protocol';

function remoteFailure(subject: string, msg: Msg): Error | undefined {
  const frame = msg.headers?.get(H.frame);
  if (frame === 'error') return new BusRemoteError(subject, msg.headers?.get(H.errorName) ?? 'Error', msg.headers?.get(H.errorMessage) ?? '');
  if (frame === 'protocol-error') return new BusProtocolError(subject, msg.headers?.get(H.errorMessage) ?? 'refused by the responder');
  return undefined;
}

export async function natsRequest(nc: NatsConnection, subject: string, data: Uint8Array, options: RequestOptions): Promise<Uint8Array> {
  checkPublishSubject(subject);
  checkHeaders(options.headers);
  const headers = toNatsHeaders(options.headers);
  headers.set(H.timeout, String(options.timeoutMs));
  let reply: Msg;
  try {
    reply = await nc.request(subject, data, { timeout: options.timeoutMs, headers });
  } catch (err) {
    throw requestError(err, 'request', subject, options.timeoutMs);
  }
  const failure = remoteFailure(subject, reply);
  if (failure) throw failure;
  return reply.data;
}

/** Frames of one streamed reply in arrival order; a wait given up on loses no frame. */
class FrameQueue {
  private readonly frames: Msg[] = [];
  private waiters: Array<() => void> = [];

  push(m: Msg): void {
    this.frames.push(m);
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  /** A reader that gave up gets no more frames, even ones already here (C-CANCEL is final). */
  async take(limits: Parameters<typeof guard>[1]): Promise<Msg> {
    if (limits.signal?.aborted) throw (limits.onAbort ?? limits.onTimeout)();
    while (this.frames.length === 0) await guard(new Promise<void>((r) => this.waiters.push(r)), limits);
    return this.frames.shift() as Msg;
  }
}

export async function* natsRequestStream(
  nc: NatsConnection,
  subject: string,
  data: Uint8Array,
  options: RequestStreamOptions,
  window: number,
  logger: BusLogger,
): AsyncGenerator<Uint8Array> {
  checkPublishSubject(subject);
  checkHeaders(options.headers);
  const { timeoutMs, signal } = options;
  if (signal?.aborted) throw new BusAbortedError(subject, { cause: signal.reason });
  const inbox = createInbox();
  const frames = new FrameQueue();
  const sub = nc.subscribe(inbox, { callback: (_err, m) => frames.push(m) });
  const headers = toNatsHeaders(options.headers);
  headers.set(H.stream, '1');
  headers.set(H.window, String(window));
  headers.set(H.timeout, String(timeoutMs));
  const limits = {
    timeoutMs,
    signal,
    onTimeout: () => new BusTimeoutError('requestStream', subject, timeoutMs),
    onAbort: () => new BusAbortedError(subject, { cause: signal?.reason }),
  };
  const grant = Math.max(1, Math.floor(window / 2));
  let control: string | undefined;
  let finished = false;
  try {
    try {
      nc.publish(subject, data, { reply: inbox, headers });
    } catch (err) {
      throw requestError(err, 'requestStream', subject, timeoutMs);
    }
    let expected = 1;
    let unGranted = 0;
    for (;;) {
      const m = await frames.take(limits);
      if (m.headers?.code === 503) throw new BusNoRespondersError(subject);
      const frame = m.headers?.get(H.frame);
      if (frame === 'start') {
        control = m.headers?.get(H.control) || undefined;
        continue;
      }
      if (frame === 'data') {
        const seq = Number(m.headers?.get(H.seq));
        if (seq !== expected) throw new BusProtocolError(subject, `reply ${expected} expected, ${seq} received (a reply was lost)`);
        expected++;
        yield m.data;
        // Credit is granted once the reader asked for more: that is the backpressure.
        if (++unGranted >= grant && control) {
          nc.publish(control, Empty, { headers: toNatsHeaders({ [H.credit]: String(unGranted) }) });
          unGranted = 0;
        }
        continue;
      }
      if (frame === 'end') {
        finished = true;
        return;
      }
      finished = true;
      throw remoteFailure(subject, m) ?? new BusProtocolError(subject, `unexpected frame '${frame ?? ''}'`);
    }
  } finally {
    if (finished) sub.unsubscribe();
    else void cancel(nc, sub, frames, control, timeoutMs, logger, subject);
  }
}

/** Tell the server to stop; if its start frame is not in yet, wait for it (bounded) first. */
async function cancel(
  nc: NatsConnection,
  sub: { unsubscribe(): void },
  frames: FrameQueue,
  known: string | undefined,
  timeoutMs: number,
  logger: BusLogger,
  subject: string,
): Promise<void> {
  try {
    let control = known;
    const giveUp = Date.now() + timeoutMs;
    while (!control && Date.now() < giveUp) {
      const m = await frames.take({ timeoutMs: Math.max(1, giveUp - Date.now()), onTimeout: () => new BusTimeoutError('cancel', subject, timeoutMs) });
      if (m.headers?.code === 503) return;
      if (m.headers?.get(H.frame) === 'start') control = m.headers.get(H.control) || undefined;
      else if (m.headers?.get(H.frame) !== 'data') return;
    }
    if (control && !nc.isClosed()) nc.publish(control, Empty, { headers: toNatsHeaders({ [H.cancel]: '1' }) });
  } catch (err) {
    logger.debug({ subject, err: String(err) }, 'streamed reply cancel not delivered');
  } finally {
    sub.unsubscribe();
  }
}
