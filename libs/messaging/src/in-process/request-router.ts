import type { BusRequest, RequestHandler, RequestOptions, RequestStreamOptions, Server, StopOptions } from '../bus';
import { BusAbortedError, BusNoRespondersError, BusProtocolError, BusRemoteError, BusTimeoutError } from '../errors';
import { errorFields, guard, isAsyncIterable } from '../guard';
import { InFlight } from '../in-flight';
import { checkHeaders, checkPublishSubject } from '../spec-rules';
import { subjectMatches } from '../subject';

/**
 * Core-NATS request/reply inside one process. A request goes to one server of a queue
 * group (round robin). Streamed replies are pulled from the handler's iterable one at a
 * time, so a slow requester slows the handler down, as the credit window does over NATS.
 * Payloads are copied both ways, as a network hop would.
 */
interface Registration {
  readonly subject: string;
  readonly queueGroup: string;
  readonly handler: RequestHandler;
  readonly inFlight: InFlight;
  readonly running: Set<AbortController>;
  active: boolean;
}

export class RequestRouter {
  private readonly registrations: Registration[] = [];
  private readonly turns = new Map<string, number>();

  serve(subject: string, queueGroup: string, handler: RequestHandler): Server {
    const reg: Registration = { subject, queueGroup, handler, inFlight: new InFlight(), running: new Set(), active: true };
    this.registrations.push(reg);
    return { stop: (options?: StopOptions) => this.unregister(reg, options) };
  }

  async stopAll(options?: StopOptions): Promise<void> {
    await Promise.all([...this.registrations].map((reg) => this.unregister(reg, options)));
  }

  async request(subject: string, data: Uint8Array, options: RequestOptions): Promise<Uint8Array> {
    checkPublishSubject(subject);
    checkHeaders(options.headers);
    const reg = this.pick(subject);
    if (!reg) throw new BusNoRespondersError(subject);
    const { req, controller, done } = this.begin(reg, subject, data, options.headers);
    try {
      const result = await guard(this.invoke(reg, req), {
        timeoutMs: options.timeoutMs,
        onTimeout: () => new BusTimeoutError('request', subject, options.timeoutMs),
      });
      if (isAsyncIterable(result)) throw new BusProtocolError(subject, 'the responder streams its replies; use requestStream');
      return result.slice();
    } catch (err) {
      controller.abort(err);
      throw err;
    } finally {
      done();
    }
  }

  async *requestStream(subject: string, data: Uint8Array, options: RequestStreamOptions): AsyncGenerator<Uint8Array> {
    checkPublishSubject(subject);
    checkHeaders(options.headers);
    const { timeoutMs, signal } = options;
    if (signal?.aborted) throw new BusAbortedError(subject, { cause: signal.reason });
    const reg = this.pick(subject);
    if (!reg) throw new BusNoRespondersError(subject);
    const { req, controller, done } = this.begin(reg, subject, data, options.headers);
    const limits = {
      timeoutMs,
      signal,
      onTimeout: () => new BusTimeoutError('requestStream', subject, timeoutMs),
      onAbort: () => new BusAbortedError(subject, { cause: signal?.reason }),
    };
    let iterator: AsyncIterator<Uint8Array> | undefined;
    let finished = false;
    try {
      const result = await guard(this.invoke(reg, req), limits);
      if (!isAsyncIterable<Uint8Array>(result)) {
        finished = true;
        yield result.slice();
        return;
      }
      iterator = result[Symbol.asyncIterator]();
      for (;;) {
        const step = await guard(this.remote(subject, iterator.next()), limits);
        if (step.done) {
          finished = true;
          return;
        }
        yield step.value.slice();
      }
    } finally {
      if (!finished) {
        controller.abort(new BusAbortedError(subject));
        // Not awaited: a handler stuck in an await would hold the requester too.
        iterator?.return?.().catch(() => undefined);
      }
      done();
    }
  }

  private pick(subject: string): Registration | undefined {
    const matching = this.registrations.filter((r) => r.active && subjectMatches(r.subject, subject));
    const first = matching[0];
    if (!first) return undefined;
    const group = matching.filter((r) => r.queueGroup === first.queueGroup);
    const key = `${first.queueGroup}\u0000${subject}`;
    const turn = this.turns.get(key) ?? 0;
    this.turns.set(key, turn + 1);
    return group[turn % group.length];
  }

  private begin(reg: Registration, subject: string, data: Uint8Array, headers: RequestOptions['headers']): { req: BusRequest; controller: AbortController; done: () => void } {
    const controller = new AbortController();
    const req: BusRequest = { subject, data: data.slice(), headers: { ...headers }, signal: controller.signal };
    reg.running.add(controller);
    reg.inFlight.enter();
    let left = false;
    const done = (): void => {
      if (left) return;
      left = true;
      reg.running.delete(controller);
      reg.inFlight.leave();
    };
    return { req, controller, done };
  }

  /** The handler's own failure becomes BusRemoteError, as it would arrive over the wire. */
  private invoke(reg: Registration, req: BusRequest): Promise<AsyncIterable<Uint8Array> | Uint8Array> {
    return this.remote(req.subject, Promise.resolve().then<AsyncIterable<Uint8Array> | Uint8Array>(() => reg.handler(req)));
  }

  private remote<T>(subject: string, p: Promise<T>): Promise<T> {
    return p.catch((err: unknown) => {
      const { name, message } = errorFields(err);
      throw new BusRemoteError(subject, name, message);
    });
  }

  private async unregister(reg: Registration, options?: StopOptions): Promise<void> {
    reg.active = false;
    const i = this.registrations.indexOf(reg);
    if (i >= 0) this.registrations.splice(i, 1);
    const drained = await reg.inFlight.idle(options?.timeoutMs);
    if (!drained) for (const c of reg.running) c.abort(new BusAbortedError(reg.subject));
  }
}
