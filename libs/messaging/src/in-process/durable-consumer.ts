import type { BusMessage, ConsumerLag, ConsumerSpec, DeadLetter, DeadLetterReason, MessageHandler } from '../bus';
import { errorFields } from '../guard';
import { InFlight } from '../in-flight';
import type { BusLogger } from '../logger';
import { redeliveryDelayMs } from '../spec-rules';
import type { StreamLog } from './stream-log';

/**
 * A durable pull consumer with explicit acks, as JetStream runs it: one delivery cursor and
 * one ack-pending set shared by every subscriber of the durable, so each message goes to
 * one of them. Redeliveries come before new messages; new messages stop while maxAckPending
 * messages are unacked. A delivery whose ack wait expires is redelivered; after maxDeliver
 * deliveries the message is given up and reported as a dead letter.
 */
export interface Subscriber {
  readonly handler: MessageHandler;
  readonly onDeadLetter: ConsumerSpec['onDeadLetter'];
  readonly inFlight: InFlight;
  active: boolean;
}

interface Pending {
  deliveryCount: number;
  /** Identifies the latest delivery: nak/term/working of an older one are ignored. */
  token: number;
  timer: NodeJS.Timeout | undefined;
  subscriber: Subscriber | undefined;
  /** Waiting in the redelivery queue. */
  queued: boolean;
}

export class DurableConsumer {
  private nextSeq = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly redeliveries: number[] = [];
  private readonly subscribers: Subscriber[] = [];
  private turn = 0;
  private tokens = 0;
  private pumping = false;
  private pumpAgain = false;
  private disposed = false;

  constructor(
    private specValue: ConsumerSpec,
    private readonly log: StreamLog,
    private readonly logger: BusLogger,
  ) {}

  get spec(): ConsumerSpec {
    return this.specValue;
  }

  update(spec: ConsumerSpec): void {
    this.specValue = spec;
    this.pump();
  }

  subscribe(handler: MessageHandler, onDeadLetter: ConsumerSpec['onDeadLetter']): Subscriber {
    const sub: Subscriber = { handler, onDeadLetter, inFlight: new InFlight(), active: true };
    this.subscribers.push(sub);
    this.pump();
    return sub;
  }

  async unsubscribe(sub: Subscriber, timeoutMs?: number): Promise<void> {
    sub.active = false;
    const i = this.subscribers.indexOf(sub);
    if (i >= 0) this.subscribers.splice(i, 1);
    const drained = await sub.inFlight.idle(timeoutMs);
    if (!drained) {
      this.logger.warn({ durable: this.specValue.durable, inFlight: sub.inFlight.size }, 'consumer stopped before its handlers settled; their messages will be redelivered');
    }
  }

  lag(): ConsumerLag {
    let redelivered = 0;
    for (const p of this.pending.values()) if (p.deliveryCount > 1) redelivered++;
    return {
      name: this.specValue.durable,
      pending: this.log.countMatching(this.nextSeq, this.specValue.filterSubject),
      ackPending: this.pending.size,
      redelivered,
    };
  }

  dispose(): void {
    this.disposed = true;
    for (const p of this.pending.values()) if (p.timer) clearTimeout(p.timer);
    this.pending.clear();
    this.redeliveries.length = 0;
    for (const sub of this.subscribers) sub.active = false;
    this.subscribers.length = 0;
  }

  /** Deliver as much as subscribers and maxAckPending allow. */
  pump(): void {
    if (this.disposed) return;
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    this.pumping = true;
    try {
      do {
        this.pumpAgain = false;
        this.log.expire();
        while (this.hasCapacity()) {
          const seq = this.nextDeliverable();
          if (seq === undefined) break;
          this.deliver(seq, this.nextSubscriber() as Subscriber);
        }
      } while (this.pumpAgain);
    } finally {
      this.pumping = false;
    }
  }

  private canTake(sub: Subscriber): boolean {
    return sub.active && sub.inFlight.size < this.specValue.maxAckPending;
  }

  private hasCapacity(): boolean {
    return this.subscribers.some((sub) => this.canTake(sub));
  }

  /** Round robin over subscribers with a free slot, as pull requests take turns. */
  private nextSubscriber(): Subscriber | undefined {
    const n = this.subscribers.length;
    for (let i = 0; i < n; i++) {
      const sub = this.subscribers[(this.turn + i) % n];
      if (sub && this.canTake(sub)) {
        this.turn = (this.turn + i + 1) % n;
        return sub;
      }
    }
    return undefined;
  }

  private nextDeliverable(): number | undefined {
    while (this.redeliveries.length > 0) {
      const seq = this.redeliveries.shift() as number;
      const p = this.pending.get(seq);
      if (!p || !p.queued) continue;
      if (this.log.get(seq)) return seq;
      this.pending.delete(seq);
    }
    if (this.pending.size >= this.specValue.maxAckPending) return undefined;
    const seq = this.log.firstMatching(this.nextSeq, this.specValue.filterSubject);
    this.nextSeq = seq === undefined ? this.log.lastSeq + 1 : seq + 1;
    return seq;
  }

  private deliver(seq: number, sub: Subscriber): void {
    const stored = this.log.get(seq);
    if (!stored) return;
    let p = this.pending.get(seq);
    if (!p) {
      p = { deliveryCount: 0, token: 0, timer: undefined, subscriber: undefined, queued: false };
      this.pending.set(seq, p);
    }
    p.deliveryCount++;
    p.token = ++this.tokens;
    p.queued = false;
    p.subscriber = sub;
    const token = p.token;
    this.arm(seq, p, this.specValue.ackWaitMs, () => this.ackTimedOut(seq, token));
    const msg: BusMessage = {
      stream: this.specValue.stream,
      subject: stored.subject,
      data: stored.data.slice(),
      headers: { ...stored.headers },
      seq,
      deliveryCount: p.deliveryCount,
      msgId: stored.msgId,
      timestamp: stored.timestamp,
      working: () => this.working(seq, token),
    };
    sub.inFlight.enter();
    void this.run(sub, msg, token);
  }

  private async run(sub: Subscriber, msg: BusMessage, token: number): Promise<void> {
    // Handlers start on a later turn of the event loop, as they would after a network hop. Not
    // a microtask: that would run the handler before the publisher's own continuation (in
    // embedded mode, the indexer's parsing ahead of the C-STORE response it delays).
    await new Promise<void>((resolve) => setImmediate(resolve));
    try {
      await sub.handler(msg);
      this.ack(msg.seq);
    } catch (err) {
      this.failed(sub, msg, token, err);
    } finally {
      sub.inFlight.leave();
      this.pump();
    }
  }

  private arm(seq: number, p: Pending, ms: number, fire: () => void): void {
    if (p.timer) clearTimeout(p.timer);
    p.timer = setTimeout(fire, ms);
    p.timer.unref();
  }

  private current(seq: number, token: number): Pending | undefined {
    const p = this.pending.get(seq);
    return p && p.token === token ? p : undefined;
  }

  private working(seq: number, token: number): void {
    const p = this.current(seq, token);
    if (!p || p.queued) return;
    this.arm(seq, p, this.specValue.ackWaitMs, () => this.ackTimedOut(seq, token));
  }

  /** As in JetStream, an ack from any delivery of the message settles it. */
  private ack(seq: number): void {
    const p = this.pending.get(seq);
    if (!p) return;
    if (p.timer) clearTimeout(p.timer);
    this.pending.delete(seq);
    if (this.log.retention === 'workqueue') this.log.remove(seq);
  }

  /** JetStream's AckTerm: never deliver again; a work queue forgets the message. */
  private terminate(seq: number): void {
    this.ack(seq);
  }

  private failed(sub: Subscriber, msg: BusMessage, token: number, err: unknown): void {
    const p = this.current(msg.seq, token);
    if (!p) return;
    const { durable, maxDeliver, backoffMs } = this.specValue;
    if (p.deliveryCount >= maxDeliver) {
      this.deadLetter(sub, msg.seq, p.deliveryCount, 'handler-failed', err);
      this.terminate(msg.seq);
      return;
    }
    const delayMs = redeliveryDelayMs(backoffMs, p.deliveryCount);
    this.logger.warn({ durable, seq: msg.seq, subject: msg.subject, deliveryCount: p.deliveryCount, delayMs, err: errorFields(err) }, 'handler failed; message will be redelivered');
    p.subscriber = undefined;
    if (delayMs > 0) this.arm(msg.seq, p, delayMs, () => this.current(msg.seq, token) && this.requeue(msg.seq));
    else this.requeue(msg.seq);
  }

  private ackTimedOut(seq: number, token: number): void {
    const p = this.current(seq, token);
    if (!p || p.queued) return;
    if (p.deliveryCount >= this.specValue.maxDeliver) {
      this.pending.delete(seq);
      const sub = p.subscriber?.active ? p.subscriber : undefined;
      this.deadLetter(sub, seq, p.deliveryCount, 'ack-timeout', undefined);
      this.pump();
      return;
    }
    this.requeue(seq);
  }

  private requeue(seq: number): void {
    const p = this.pending.get(seq);
    if (!p) return;
    if (p.timer) clearTimeout(p.timer);
    p.timer = undefined;
    p.queued = true;
    let i = this.redeliveries.length;
    while (i > 0 && (this.redeliveries[i - 1] as number) > seq) i--;
    this.redeliveries.splice(i, 0, seq);
    this.pump();
  }

  private deadLetter(sub: Subscriber | undefined, seq: number, deliveryCount: number, reason: DeadLetterReason, error: unknown): void {
    const { stream, durable } = this.specValue;
    const stored = this.log.get(seq);
    const letter: DeadLetter = { stream, durable, seq, deliveryCount, reason };
    if (stored) Object.assign(letter, { subject: stored.subject, data: stored.data.slice(), headers: { ...stored.headers }, msgId: stored.msgId });
    if (error !== undefined) letter.error = error;
    this.logger.error({ stream, durable, seq, subject: stored?.subject, deliveryCount, reason, err: error === undefined ? undefined : errorFields(error) }, 'message given up after maxDeliver deliveries (dead letter)');
    // The subscriber that saw the message decides; a stopped one hands over to any other.
    const hook = sub?.onDeadLetter ?? this.subscribers.find((s) => s.active && s.onDeadLetter)?.onDeadLetter;
    if (!hook) return;
    void (async () => {
      try {
        await hook(letter);
      } catch (err) {
        this.logger.error({ stream, durable, seq, err: errorFields(err) }, 'onDeadLetter hook failed');
      }
    })();
  }
}
