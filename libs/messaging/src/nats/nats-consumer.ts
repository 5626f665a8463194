import type { ConsumerMessages, JetStreamClient, JetStreamManager, JsMsg } from '@nats-io/jetstream';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import type { BusMessage, Consumer, ConsumerSpec, DeadLetter, MessageHandler, StopOptions } from '../bus';
import { errorFields, pause } from '../guard';
import { InFlight } from '../in-flight';
import type { BusLogger } from '../logger';
import { redeliveryDelayMs } from '../spec-rules';
import { declareConsumer } from './declare';
import { fromNatsHeaders } from './headers';
import { apiError } from './nats-errors';

export interface NatsConsumerContext {
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
  logger: BusLogger;
}

/** Client-side bound on running handlers; the server bounds the durable as a whole. */
class Slots {
  private waiters: Array<() => void> = [];
  constructor(private free: number) {}

  async acquire(): Promise<void> {
    while (this.free <= 0) await new Promise<void>((r) => this.waiters.push(r));
    this.free--;
  }

  release(): void {
    this.free++;
    this.waiters.shift()?.();
  }
}

interface MaxDeliveriesAdvisory {
  stream: string;
  consumer: string;
  stream_seq: number;
  deliveries: number;
}

/**
 * One subscriber of a JetStream durable pull consumer. The durable is declared (created or
 * updated) first; messages come through consume(), handlers run concurrently up to
 * maxAckPending, and the iterator is reopened (redeclaring the durable) if it ends while
 * the subscriber should still run: consumer deleted, stream restored, connection lost.
 */
export class NatsConsumer implements Consumer {
  private readonly inFlight = new InFlight();
  private readonly slots: Slots;
  private readonly halt = new AbortController();
  private messages: ConsumerMessages | undefined;
  private advisories: Subscription | undefined;
  private loop: Promise<void> = Promise.resolve();
  private stopping: Promise<void> | undefined;

  constructor(
    private readonly ctx: NatsConsumerContext,
    private readonly spec: ConsumerSpec,
    private readonly handler: MessageHandler,
  ) {
    this.slots = new Slots(spec.maxAckPending);
  }

  async start(): Promise<void> {
    await declareConsumer(this.ctx.jsm, this.spec, this.ctx.logger);
    this.watchMaxDeliveries();
    let first: ConsumerMessages;
    try {
      first = await this.open();
    } catch (err) {
      await this.stop({ timeoutMs: 0 });
      throw apiError(err, 'consumer', `${this.spec.stream}/${this.spec.durable}`);
    }
    this.loop = this.run(first);
    // Pull requests reach the server before start() returns, so publishes right after are seen.
    await this.ctx.nc.flush();
  }

  stop(options?: StopOptions): Promise<void> {
    this.stopping ??= this.shutdown(options);
    return this.stopping;
  }

  private async shutdown(options?: StopOptions): Promise<void> {
    this.halt.abort();
    this.advisories?.unsubscribe();
    // Not awaited: the iterator only reports closed once the loop reads that far, and the
    // loop may be waiting for a slot held by a handler this stop is about to wait for.
    void this.messages?.close().catch(() => undefined);
    const drained = await this.inFlight.idle(options?.timeoutMs);
    if (drained) await this.loop;
    else this.ctx.logger.warn({ stream: this.spec.stream, durable: this.spec.durable, inFlight: this.inFlight.size }, 'consumer stopped before its handlers settled; their messages will be redelivered');
  }

  private async open(): Promise<ConsumerMessages> {
    const consumer = await this.ctx.js.consumers.get(this.spec.stream, this.spec.durable);
    const messages = await consumer.consume({ max_messages: Math.min(this.spec.maxAckPending, 256) });
    this.messages = messages;
    void this.watchStatus(messages);
    return messages;
  }

  private async run(first: ConsumerMessages): Promise<void> {
    const { stream, durable } = this.spec;
    let messages: ConsumerMessages | undefined = first;
    let retryMs = 500;
    while (!this.halt.signal.aborted) {
      if (messages) {
        try {
          await this.take(messages);
          retryMs = 500;
        } catch (err) {
          this.ctx.logger.warn({ stream, durable, err: errorFields(err) }, 'consumer iterator failed; reopening');
        }
      }
      messages = undefined;
      if (this.halt.signal.aborted || this.ctx.nc.isClosed()) return;
      await pause(retryMs, this.halt.signal);
      retryMs = Math.min(retryMs * 2, 10_000);
      if (this.halt.signal.aborted) return;
      try {
        await declareConsumer(this.ctx.jsm, this.spec, this.ctx.logger);
        messages = await this.open();
        this.ctx.logger.info({ stream, durable }, 'consumer reopened');
      } catch (err) {
        this.ctx.logger.warn({ stream, durable, err: errorFields(err), retryMs }, 'consumer cannot reopen yet');
      }
    }
  }

  private async take(messages: ConsumerMessages): Promise<void> {
    for await (const m of messages) {
      // Pulled but not started when stop() came: hand back at once rather than after ackWait.
      if (this.halt.signal.aborted) {
        this.settle(m, 'nak');
        continue;
      }
      await this.slots.acquire();
      if (this.halt.signal.aborted) {
        this.slots.release();
        this.settle(m, 'nak');
        continue;
      }
      this.inFlight.enter();
      void this.handle(m).finally(() => {
        this.slots.release();
        this.inFlight.leave();
      });
    }
  }

  private async watchStatus(messages: ConsumerMessages): Promise<void> {
    const { stream, durable } = this.spec;
    try {
      for await (const s of messages.status()) {
        if (s.type === 'consumer_deleted' || (s.type === 'consumer_not_found' && s.count >= 3)) {
          this.ctx.logger.warn({ stream, durable, status: s.type }, 'durable consumer gone; redeclaring');
          void messages.close().catch(() => undefined);
        } else if (s.type === 'heartbeats_missed' || s.type === 'stream_not_found' || s.type === 'exceeded_limits') {
          this.ctx.logger.warn({ stream, durable, status: s }, 'consumer status');
        }
      }
    } catch (err) {
      this.ctx.logger.debug({ stream, durable, err: errorFields(err) }, 'consumer status watch ended');
    }
  }

  private async handle(m: JsMsg): Promise<void> {
    const { stream, durable, maxDeliver, backoffMs } = this.spec;
    const msg: BusMessage = {
      stream,
      subject: m.subject,
      data: m.data,
      headers: fromNatsHeaders(m.headers),
      seq: m.seq,
      deliveryCount: m.info.deliveryCount,
      msgId: m.headers?.get('Nats-Msg-Id') || undefined,
      timestamp: m.time,
      working: () => this.settle(m, 'working'),
    };
    try {
      await this.handler(msg);
      this.settle(m, 'ack');
    } catch (err) {
      if (msg.deliveryCount >= maxDeliver) {
        this.settle(m, 'term');
        this.deadLetter({ stream, durable, seq: msg.seq, deliveryCount: msg.deliveryCount, reason: 'handler-failed', subject: msg.subject, data: msg.data, headers: msg.headers, ...(msg.msgId ? { msgId: msg.msgId } : {}), error: err });
        return;
      }
      const delayMs = redeliveryDelayMs(backoffMs, msg.deliveryCount);
      this.ctx.logger.warn({ stream, durable, seq: msg.seq, subject: msg.subject, deliveryCount: msg.deliveryCount, delayMs, err: errorFields(err) }, 'handler failed; message will be redelivered');
      this.settle(m, 'nak', delayMs);
    }
  }

  /** Acks travel on the connection; a closed one means the server redelivers after ackWait. */
  private settle(m: JsMsg, how: 'ack' | 'nak' | 'term' | 'working', delayMs = 0): void {
    try {
      if (how === 'ack') m.ack();
      else if (how === 'term') m.term();
      else if (how === 'working') m.working();
      else if (delayMs > 0) m.nak(delayMs);
      else m.nak();
    } catch (err) {
      this.ctx.logger.debug({ stream: this.spec.stream, durable: this.spec.durable, seq: m.seq, how, err: errorFields(err) }, 'ack not sent');
    }
  }

  /**
   * A last delivery that is never acked is given up by the server itself, which announces it
   * as a MAX_DELIVERIES advisory; one subscriber of the durable (a queue group) reports it.
   */
  private watchMaxDeliveries(): void {
    const { stream, durable } = this.spec;
    const subject = `$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.${stream}.${durable}`;
    this.advisories = this.ctx.nc.subscribe(subject, {
      queue: `pacs-dead-letters-${durable}`,
      callback: (err, msg) => {
        if (err) return;
        let advisory: MaxDeliveriesAdvisory;
        try {
          advisory = msg.json<MaxDeliveriesAdvisory>();
        } catch {
          return;
        }
        void this.reportTimedOut(advisory);
      },
    });
  }

  private async reportTimedOut(advisory: MaxDeliveriesAdvisory): Promise<void> {
    const { stream, durable } = this.spec;
    const letter: DeadLetter = { stream, durable, seq: advisory.stream_seq, deliveryCount: advisory.deliveries, reason: 'ack-timeout' };
    try {
      const stored = await this.ctx.jsm.streams.getMessage(stream, { seq: advisory.stream_seq });
      if (stored) {
        const msgId = stored.header?.get('Nats-Msg-Id');
        Object.assign(letter, { subject: stored.subject, data: stored.data, headers: fromNatsHeaders(stored.header), ...(msgId ? { msgId } : {}) });
      }
    } catch (err) {
      this.ctx.logger.debug({ stream, seq: advisory.stream_seq, err: errorFields(err) }, 'dead letter message no longer in the stream');
    }
    this.deadLetter(letter);
  }

  private deadLetter(letter: DeadLetter): void {
    const { stream, durable, seq, deliveryCount, reason, subject, error } = letter;
    this.ctx.logger.error({ stream, durable, seq, subject, deliveryCount, reason, err: error === undefined ? undefined : errorFields(error) }, 'message given up after maxDeliver deliveries (dead letter)');
    const hook = this.spec.onDeadLetter;
    if (!hook) return;
    void (async () => {
      try {
        await hook(letter);
      } catch (err) {
        this.ctx.logger.error({ stream, durable, seq, err: errorFields(err) }, 'onDeadLetter hook failed');
      }
    })();
  }
}
