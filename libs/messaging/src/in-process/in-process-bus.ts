import type {
  Bus,
  Consumer,
  ConsumerSpec,
  MessageHandler,
  PublishAck,
  PublishOptions,
  RequestHandler,
  RequestOptions,
  RequestStreamOptions,
  Server,
  StopOptions,
  StreamInfo,
  StreamSpec,
} from '../bus';
import { BusClosedError, BusConfigError, StreamNotFoundError } from '../errors';
import { silentLogger, type BusLogger } from '../logger';
import { checkConsumerSpec, checkHeaders, checkPublishSubject, checkServe, checkStreamSpec } from '../spec-rules';
import { filtersOverlap } from '../subject';
import { DurableConsumer, type Subscriber } from './durable-consumer';
import { RequestRouter } from './request-router';
import { StreamLog } from './stream-log';

export interface InProcessBusOptions {
  logger?: BusLogger;
  /** close() waits this long for running handlers. Default 30000. */
  drainTimeoutMs?: number;
}

interface Stream {
  log: StreamLog;
  consumers: Map<string, DurableConsumer>;
}

/**
 * The embedded-mode bus: every service of the process shares it, no server runs. Same
 * semantics as NatsBus (checked by the shared conformance suite), with messages held in
 * memory: see StreamLog for why embedded mode stays durable without persisting them.
 */
export class InProcessBus implements Bus {
  private readonly logger: BusLogger;
  private readonly drainTimeoutMs: number;
  private readonly streams = new Map<string, Stream>();
  private readonly router = new RequestRouter();
  private readonly subscriptions = new Set<{ consumer: DurableConsumer; sub: Subscriber }>();
  private closed = false;

  constructor(options: InProcessBusOptions = {}) {
    this.logger = options.logger ?? silentLogger;
    this.drainTimeoutMs = options.drainTimeoutMs ?? 30_000;
  }

  async ensureStream(spec: StreamSpec): Promise<void> {
    this.open();
    checkStreamSpec(spec);
    for (const [name, other] of this.streams) {
      if (name === spec.name) continue;
      const clash = spec.subjects.find((s) => other.log.spec.subjects.some((o) => filtersOverlap(s, o)));
      if (clash) throw new BusConfigError('stream.subjects', `'${clash}' overlaps stream '${name}'`);
    }
    const existing = this.streams.get(spec.name);
    if (existing) {
      existing.log.update({ ...spec, subjects: [...spec.subjects] });
      for (const c of existing.consumers.values()) c.pump();
      return;
    }
    this.streams.set(spec.name, { log: new StreamLog({ ...spec, subjects: [...spec.subjects] }), consumers: new Map() });
    this.logger.info({ stream: spec.name, subjects: spec.subjects }, 'stream created');
  }

  async deleteStream(name: string): Promise<boolean> {
    this.open();
    const stream = this.streams.get(name);
    if (!stream) return false;
    for (const c of stream.consumers.values()) c.dispose();
    this.streams.delete(name);
    return true;
  }

  async publish(subject: string, data: Uint8Array, options: PublishOptions = {}): Promise<PublishAck> {
    this.open();
    checkPublishSubject(subject);
    checkHeaders(options.headers);
    const stream = [...this.streams.values()].find((s) => s.log.captures(subject));
    if (!stream) throw new StreamNotFoundError(subject);
    const { seq, duplicate } = stream.log.append(subject, data, options.headers ?? {}, options.msgId);
    if (!duplicate) for (const c of stream.consumers.values()) c.pump();
    return { stream: stream.log.spec.name, seq, duplicate };
  }

  async consume(spec: ConsumerSpec, handler: MessageHandler): Promise<Consumer> {
    this.open();
    checkConsumerSpec(spec);
    const stream = this.streams.get(spec.stream);
    if (!stream) throw new StreamNotFoundError(spec.stream);
    if (stream.log.retention === 'workqueue') {
      for (const [name, other] of stream.consumers) {
        if (name !== spec.durable && filtersOverlap(spec.filterSubject ?? '>', other.spec.filterSubject ?? '>')) {
          throw new BusConfigError('consumer.filterSubject', `work-queue stream '${spec.stream}' already has overlapping consumer '${name}'`);
        }
      }
    }
    let consumer = stream.consumers.get(spec.durable);
    if (consumer) consumer.update({ ...spec });
    else {
      consumer = new DurableConsumer({ ...spec }, stream.log, this.logger);
      stream.consumers.set(spec.durable, consumer);
    }
    const entry = { consumer, sub: consumer.subscribe(handler, spec.onDeadLetter) };
    this.subscriptions.add(entry);
    return {
      stop: async (options?: StopOptions) => {
        if (!this.subscriptions.delete(entry)) return;
        await entry.consumer.unsubscribe(entry.sub, options?.timeoutMs);
      },
    };
  }

  async request(subject: string, data: Uint8Array, options: RequestOptions): Promise<Uint8Array> {
    this.open();
    return this.router.request(subject, data, options);
  }

  requestStream(subject: string, data: Uint8Array, options: RequestStreamOptions): AsyncIterable<Uint8Array> {
    const open = (): void => this.open();
    const router = this.router;
    return {
      async *[Symbol.asyncIterator]() {
        open();
        yield* router.requestStream(subject, data, options);
      },
    };
  }

  async serve(subject: string, queueGroup: string, handler: RequestHandler): Promise<Server> {
    this.open();
    checkServe(subject, queueGroup);
    return this.router.serve(subject, queueGroup, handler);
  }

  async streamInfo(name: string): Promise<StreamInfo> {
    this.open();
    const stream = this.streams.get(name);
    if (!stream) throw new StreamNotFoundError(name);
    stream.log.expire();
    return {
      messages: stream.log.count,
      bytes: stream.log.bytes,
      consumers: [...stream.consumers.values()].map((c) => c.lag()),
    };
  }

  async ping(): Promise<void> {
    this.open();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const timeoutMs = this.drainTimeoutMs;
    await Promise.all([...this.subscriptions].map(({ consumer, sub }) => consumer.unsubscribe(sub, timeoutMs)));
    this.subscriptions.clear();
    await this.router.stopAll({ timeoutMs });
    for (const stream of this.streams.values()) for (const c of stream.consumers.values()) c.dispose();
    this.streams.clear();
  }

  private open(): void {
    if (this.closed) throw new BusClosedError();
  }
}
