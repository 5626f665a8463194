import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager, type JetStreamPublishOptions } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
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
  StreamInfo,
  StreamSpec,
} from '../bus';
import { BusClosedError, BusUnavailableError, StreamNotFoundError } from '../errors';
import { errorFields, guard } from '../guard';
import { silentLogger, type BusLogger } from '../logger';
import { checkConsumerSpec, checkHeaders, checkPublishSubject, checkServe, checkStreamSpec } from '../spec-rules';
import { declareStream } from './declare';
import { toNatsHeaders } from './headers';
import { NatsConsumer } from './nats-consumer';
import { apiCode, apiError, isNoResponders, JsCode, publishError } from './nats-errors';
import { connectionOptions, natsDefaults, type NatsBusOptions } from './options';
import { natsRequest, natsRequestStream } from './requester';
import { NatsResponder } from './responder';

export type { NatsBusOptions, NatsTlsOptions } from './options';

/**
 * The cluster-mode bus: JetStream streams and durable pull consumers for events, core NATS
 * queue groups for request/reply. One connection per process; it reconnects forever, and
 * consumers and responders carry on over reconnects without the caller doing anything.
 */
export class NatsBus implements Bus {
  private readonly consumers = new Set<NatsConsumer>();
  private readonly responders = new Set<NatsResponder>();
  private readonly js: JetStreamClient;
  private readonly logger: BusLogger;
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly nc: NatsConnection,
    private readonly jsm: JetStreamManager,
    private readonly options: NatsBusOptions,
  ) {
    this.logger = options.logger ?? silentLogger;
    this.js = jetstream(nc, { timeout: this.apiTimeoutMs });
    void this.watchConnection();
  }

  static async connect(options: NatsBusOptions): Promise<NatsBus> {
    const logger = options.logger ?? silentLogger;
    let nc: NatsConnection;
    try {
      nc = await connect(connectionOptions(options));
    } catch (err) {
      throw new BusUnavailableError(`cannot connect to NATS at ${String(options.servers)}: ${errorFields(err).message}`, { cause: err });
    }
    const jsm = await jetstreamManager(nc, { timeout: options.apiTimeoutMs ?? natsDefaults.apiTimeoutMs, checkAPI: false });
    logger.info({ server: nc.getServer(), name: options.name }, 'connected to NATS');
    return new NatsBus(nc, jsm, options);
  }

  private get apiTimeoutMs(): number {
    return this.options.apiTimeoutMs ?? natsDefaults.apiTimeoutMs;
  }

  async ensureStream(spec: StreamSpec): Promise<void> {
    this.open();
    checkStreamSpec(spec);
    await declareStream(this.jsm, spec, this.logger);
  }

  async deleteStream(name: string): Promise<boolean> {
    this.open();
    try {
      return await this.jsm.streams.delete(name);
    } catch (err) {
      if (apiCode(err) === JsCode.StreamNotFound) return false;
      throw apiError(err, 'stream', name);
    }
  }

  async publish(subject: string, data: Uint8Array, options: PublishOptions = {}): Promise<PublishAck> {
    this.open();
    checkPublishSubject(subject);
    checkHeaders(options.headers);
    const opts: Partial<JetStreamPublishOptions> = { timeout: this.apiTimeoutMs };
    if (options.msgId !== undefined) opts.msgID = options.msgId;
    if (options.headers) opts.headers = toNatsHeaders(options.headers);
    try {
      const ack = await this.js.publish(subject, data, opts);
      return { stream: ack.stream, seq: ack.seq, duplicate: ack.duplicate };
    } catch (err) {
      if (isNoResponders(err)) throw await this.noStreamOrNoJetStream(subject, err);
      throw publishError(err, subject, this.apiTimeoutMs);
    }
  }

  /** A JetStream publish nobody answers means no stream captures the subject, or no JetStream. */
  private async noStreamOrNoJetStream(subject: string, cause: unknown): Promise<Error> {
    try {
      const stream = await this.jsm.streams.find(subject);
      return new BusUnavailableError(`stream '${stream}' did not store the message on '${subject}'`, { cause });
    } catch (err) {
      if (isNoResponders(err) || !(err instanceof Error) || /timeout/i.test(err.message)) {
        return new BusUnavailableError(`JetStream unavailable for '${subject}'`, { cause });
      }
      return new StreamNotFoundError(subject, { cause });
    }
  }

  async consume(spec: ConsumerSpec, handler: MessageHandler): Promise<Consumer> {
    this.open();
    checkConsumerSpec(spec);
    const consumer = new NatsConsumer({ nc: this.nc, js: this.js, jsm: this.jsm, logger: this.logger }, { ...spec }, handler);
    await consumer.start();
    this.consumers.add(consumer);
    return {
      stop: async (options) => {
        this.consumers.delete(consumer);
        await consumer.stop(options);
      },
    };
  }

  async request(subject: string, data: Uint8Array, options: RequestOptions): Promise<Uint8Array> {
    this.open();
    return natsRequest(this.nc, subject, data, options);
  }

  requestStream(subject: string, data: Uint8Array, options: RequestStreamOptions): AsyncIterable<Uint8Array> {
    const { nc, logger } = this;
    const open = (): void => this.open();
    const window = this.options.replyWindow ?? natsDefaults.replyWindow;
    return {
      async *[Symbol.asyncIterator]() {
        open();
        yield* natsRequestStream(nc, subject, data, options, window, logger);
      },
    };
  }

  async serve(subject: string, queueGroup: string, handler: RequestHandler): Promise<Server> {
    this.open();
    checkServe(subject, queueGroup);
    const responder = new NatsResponder(this.nc, subject, queueGroup, handler, {
      replyIdleTimeoutMs: this.options.replyIdleTimeoutMs ?? natsDefaults.replyIdleTimeoutMs,
      logger: this.logger,
    });
    await responder.start();
    this.responders.add(responder);
    return {
      stop: async (options) => {
        this.responders.delete(responder);
        await responder.stop(options);
      },
    };
  }

  async streamInfo(name: string): Promise<StreamInfo> {
    this.open();
    try {
      const info = await this.jsm.streams.info(name);
      const consumers: StreamInfo['consumers'] = [];
      for await (const c of this.jsm.consumers.list(name)) {
        consumers.push({ name: c.name, pending: c.num_pending, ackPending: c.num_ack_pending, redelivered: c.num_redelivered });
      }
      consumers.sort((a, b) => a.name.localeCompare(b.name));
      return { messages: info.state.messages, bytes: info.state.bytes, consumers };
    } catch (err) {
      throw apiError(err, 'stream', name);
    }
  }

  /** Ready when the server answers a ping and JetStream answers an account query. */
  async ping(): Promise<void> {
    this.open();
    const timeoutMs = this.apiTimeoutMs;
    try {
      await guard(this.nc.rtt(), { timeoutMs, onTimeout: () => new Error(`no pong within ${timeoutMs} ms`) });
      await this.jsm.getAccountInfo();
    } catch (err) {
      throw new BusUnavailableError(`NATS not ready: ${errorFields(err).message}`, { cause: err });
    }
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    const timeoutMs = this.options.drainTimeoutMs ?? natsDefaults.drainTimeoutMs;
    await Promise.all([...this.consumers].map((c) => c.stop({ timeoutMs })));
    await Promise.all([...this.responders].map((r) => r.stop({ timeoutMs })));
    this.consumers.clear();
    this.responders.clear();
    try {
      // drain() flushes the last acks; a connection that is down cannot drain, so it is bounded.
      await guard(this.nc.drain(), { timeoutMs: 5_000, onTimeout: () => new Error('drain timed out') });
    } catch {
      await this.nc.close().catch(() => undefined);
    }
    this.logger.info({}, 'NATS connection closed');
  }

  private open(): void {
    if (this.closing || this.nc.isClosed()) throw new BusClosedError();
  }

  private async watchConnection(): Promise<void> {
    for await (const s of this.nc.status()) {
      switch (s.type) {
        case 'disconnect':
          this.logger.warn({ server: s.server }, 'NATS disconnected; reconnecting');
          break;
        case 'reconnect':
          this.logger.info({ server: s.server }, 'NATS reconnected');
          break;
        case 'ldm':
          this.logger.warn({ server: s.server }, 'NATS server entering lame duck mode');
          break;
        case 'error':
          this.logger.error({ err: errorFields(s.error) }, 'NATS connection error');
          break;
        case 'slowConsumer':
          this.logger.warn({ subject: s.sub.getSubject(), pending: s.pending }, 'NATS slow consumer');
          break;
        case 'staleConnection':
          this.logger.warn({}, 'NATS connection stale; reconnecting');
          break;
        default:
          break;
      }
    }
  }
}
