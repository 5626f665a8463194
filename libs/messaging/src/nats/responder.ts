import { createInbox, type Msg, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import type { BusRequest, RequestHandler, Server, StopOptions } from '../bus';
import { BusAbortedError, BusTimeoutError } from '../errors';
import { errorFields, guard, isAsyncIterable, pause } from '../guard';
import { InFlight } from '../in-flight';
import type { BusLogger } from '../logger';
import { fromNatsHeaders } from './headers';
import { errorHeaders, frameHeaders, H } from './reply-protocol';

export interface ResponderOptions {
  replyIdleTimeoutMs: number;
  logger: BusLogger;
}

/** Replies a streamed request may still send; refilled by the requester's credit. */
class Credit {
  private wake: (() => void) | undefined;
  constructor(private available: number) {}

  add(n: number): void {
    this.available += n;
    this.notify();
  }

  notify(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  /** False when the signal fired or no credit came within idleMs. */
  async take(idleMs: number, signal: AbortSignal): Promise<boolean> {
    while (this.available <= 0) {
      if (signal.aborted) return false;
      const granted = new Promise<void>((r) => (this.wake = r));
      const idle = new AbortController();
      const timedOut = pause(idleMs, idle.signal).then(() => true);
      const woke = await Promise.race([granted.then(() => false), timedOut]);
      idle.abort();
      if (woke && this.available <= 0) return false;
    }
    if (signal.aborted) return false;
    this.available--;
    return true;
  }
}

/** One queue-group subscription answering requests (see reply-protocol.ts for the framing). */
export class NatsResponder implements Server {
  private readonly inFlight = new InFlight();
  private readonly running = new Set<AbortController>();
  private sub: Subscription | undefined;

  constructor(
    private readonly nc: NatsConnection,
    private readonly subject: string,
    private readonly queueGroup: string,
    private readonly handler: RequestHandler,
    private readonly options: ResponderOptions,
  ) {}

  async start(): Promise<void> {
    this.sub = this.nc.subscribe(this.subject, {
      queue: this.queueGroup,
      callback: (err, msg) => {
        if (err) this.options.logger.warn({ subject: this.subject, err: errorFields(err) }, 'request subscription error');
        else void this.answer(msg);
      },
    });
    // The server knows the subscription once the flush returns: no false "no responders".
    await this.nc.flush();
  }

  async stop(options?: StopOptions): Promise<void> {
    const sub = this.sub;
    this.sub = undefined;
    if (sub && !sub.isClosed()) await sub.drain().catch(() => undefined);
    const drained = await this.inFlight.idle(options?.timeoutMs);
    if (!drained) for (const c of this.running) c.abort(new BusAbortedError(this.subject));
  }

  private async answer(msg: Msg): Promise<void> {
    if (!msg.reply) return;
    const controller = new AbortController();
    this.running.add(controller);
    this.inFlight.enter();
    const req: BusRequest = { subject: msg.subject, data: msg.data, headers: fromNatsHeaders(msg.headers), signal: controller.signal };
    const waitMs = Number(msg.headers?.get(H.timeout));
    try {
      if (msg.headers?.get(H.stream) === '1') await this.streamReplies(msg, req, controller, waitMs);
      else await this.singleReply(msg, req, controller, waitMs);
    } catch (err) {
      this.options.logger.warn({ subject: msg.subject, err: errorFields(err) }, 'reply not sent');
    } finally {
      this.running.delete(controller);
      this.inFlight.leave();
    }
  }

  /** The requester stops waiting after its timeout; the handler is told so through its signal. */
  private abortAfter(controller: AbortController, subject: string, waitMs: number): NodeJS.Timeout | undefined {
    if (!(waitMs > 0)) return undefined;
    const t = setTimeout(() => controller.abort(new BusTimeoutError('request', subject, waitMs)), waitMs);
    t.unref();
    return t;
  }

  private async singleReply(msg: Msg, req: BusRequest, controller: AbortController, waitMs: number): Promise<void> {
    const timer = this.abortAfter(controller, msg.subject, waitMs);
    try {
      const result = this.handler(req);
      if (isAsyncIterable(result)) {
        controller.abort(new BusAbortedError(msg.subject));
        msg.respond(new Uint8Array(), { headers: errorHeaders('protocol-error', 'BusProtocolError', 'the responder streams its replies; use requestStream') });
        return;
      }
      // A requester that gave up (timeout) gets no reply: stop waiting for the handler too.
      const data = await guard(result, { signal: controller.signal, onTimeout: () => new BusAbortedError(msg.subject) });
      msg.respond(data);
    } catch (err) {
      if (controller.signal.aborted) return;
      const { name, message } = errorFields(err);
      msg.respond(new Uint8Array(), { headers: errorHeaders('error', name, message) });
    } finally {
      if (timer) clearTimeout(timer);
    }
  }

  private async streamReplies(msg: Msg, req: BusRequest, controller: AbortController, waitMs: number): Promise<void> {
    const reply = msg.reply as string;
    const window = Math.max(1, Number(msg.headers?.get(H.window)) || 1);
    const credit = new Credit(window);
    const control = createInbox();
    const controlSub = this.nc.subscribe(control, {
      callback: (_err, m) => {
        if (m.headers?.get(H.cancel) === '1') {
          controller.abort(new BusAbortedError(msg.subject));
          credit.notify();
        } else {
          const n = Number(m.headers?.get(H.credit));
          if (n > 0) credit.add(n);
        }
      },
    });
    const idleMs = Math.max(this.options.replyIdleTimeoutMs, waitMs > 0 ? waitMs : 0);
    let seq = 0;
    const send = (data: Uint8Array): void => this.nc.publish(reply, data, { headers: frameHeaders('data', { [H.seq]: String(++seq) }) });
    const stopWaiting = { signal: controller.signal, onTimeout: () => new BusAbortedError(msg.subject) };
    let iterator: AsyncIterator<Uint8Array> | undefined;
    let completed = false;
    try {
      // Subscribed before the start frame leaves, so a cancel sent on receipt is never lost.
      this.nc.publish(reply, new Uint8Array(), { headers: frameHeaders('start', { [H.control]: control }) });
      const result = this.handler(req);
      let stopped = false;
      if (!isAsyncIterable<Uint8Array>(result)) {
        const one = await guard(result, stopWaiting);
        if (await credit.take(idleMs, controller.signal)) send(one);
        else stopped = true;
      } else {
        iterator = result[Symbol.asyncIterator]();
        for (;;) {
          const step = await guard(iterator.next(), stopWaiting);
          if (step.done) break;
          if (!(await credit.take(idleMs, controller.signal))) {
            stopped = true;
            break;
          }
          send(step.value);
        }
      }
      if (!stopped && !controller.signal.aborted) {
        completed = true;
        this.nc.publish(reply, new Uint8Array(), { headers: frameHeaders('end') });
      }
    } catch (err) {
      if (!controller.signal.aborted) {
        completed = true;
        const { name, message } = errorFields(err);
        this.nc.publish(reply, new Uint8Array(), { headers: errorHeaders('error', name, message) });
      }
    } finally {
      controlSub.unsubscribe();
      if (!completed) {
        // Cancelled, or the requester stopped reading: stop the handler either way.
        if (!controller.signal.aborted) controller.abort(new BusTimeoutError('requestStream', msg.subject, idleMs));
        iterator?.return?.().catch(() => undefined);
      }
    }
  }
}
