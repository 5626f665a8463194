/**
 * The messaging port. Two adapters implement it with the same observable semantics, checked
 * by one conformance suite: NatsBus (JetStream, cluster mode) and InProcessBus (embedded
 * mode). Durable messaging follows JetStream: streams capture subjects, publish is acked
 * once stored, Nats-Msg-Id deduplicates, durable pull consumers with explicit acks share
 * work between their subscribers. Request/reply follows core NATS queue groups.
 */

/** Headers travel as a flat map; names starting with "Nats-" or "Pacs-Bus-" are reserved. */
export type BusHeaders = Record<string, string>;

export type StreamRetention =
  /** Keep messages until maxBytes/maxAgeMs; every durable sees every message. */
  | 'limits'
  /** Delete a message once a consumer acked it; durables must not overlap in subjects. */
  | 'workqueue';

export interface StreamSpec {
  /** Stream name: letters, digits, '_' and '-' only (no '.', '*', '>', spaces). */
  name: string;
  /** Subjects captured by the stream, NATS wildcards allowed; must not overlap other streams. */
  subjects: string[];
  /** Window in which a repeated msgId is recognised as a duplicate. */
  duplicateWindowMs: number;
  /** Publishes are refused with StreamFullError beyond this size (no old message is dropped). */
  maxBytes?: number;
  /** Messages older than this are removed; must be >= duplicateWindowMs when set. */
  maxAgeMs?: number;
  /** Default 'limits'. Cannot be changed once the stream exists. */
  retention?: StreamRetention;
  /** JetStream replicas (cluster mode); ignored in process. Default 1. */
  replicas?: number;
}

export interface PublishOptions {
  /** Idempotency key (Nats-Msg-Id): a repeat inside the duplicate window stores nothing. */
  msgId?: string;
  headers?: BusHeaders;
}

export interface PublishAck {
  stream: string;
  /** Stream sequence of the stored message (of the original one for a duplicate). */
  seq: number;
  duplicate: boolean;
}

export interface BusMessage {
  stream: string;
  subject: string;
  data: Uint8Array;
  headers: BusHeaders;
  /** Stream sequence. */
  seq: number;
  /** 1 on first delivery, incremented on every redelivery. */
  deliveryCount: number;
  msgId: string | undefined;
  /** When the stream stored the message. */
  timestamp: Date;
  /** Restart the ack wait timer: the handler is still busy with this message. */
  working(): void;
}

export type MessageHandler = (msg: BusMessage) => Promise<void>;

export type DeadLetterReason =
  /** The handler threw on the maxDeliver-th delivery; the message was terminated. */
  | 'handler-failed'
  /** The maxDeliver-th delivery was never acked within ackWaitMs. */
  | 'ack-timeout';

export interface DeadLetter {
  stream: string;
  durable: string;
  seq: number;
  deliveryCount: number;
  reason: DeadLetterReason;
  /** Present when the message is still in the stream. */
  subject?: string;
  data?: Uint8Array;
  headers?: BusHeaders;
  msgId?: string;
  /** The handler's error for 'handler-failed'. */
  error?: unknown;
}

export interface ConsumerSpec {
  stream: string;
  /** Durable name: subscribers using the same name share the work (each message to one). */
  durable: string;
  /** Only messages whose subject matches (NATS wildcards allowed). Default: whole stream. */
  filterSubject?: string;
  /** Upper bound on delivered-but-unacked messages across all subscribers of the durable. */
  maxAckPending: number;
  /** A delivery not acked (nor extended by working()) within this time is redelivered. */
  ackWaitMs: number;
  /** Deliveries before a message is given up and reported as a dead letter. */
  maxDeliver: number;
  /**
   * Delay before redelivering after the handler threw, indexed by the failed delivery's
   * count (1-based; the last value repeats). Default: redeliver at once.
   */
  backoffMs?: number[];
  /** Called once per given-up message; it is logged at error level in any case. */
  onDeadLetter?: (deadLetter: DeadLetter) => void | Promise<void>;
}

export interface StopOptions {
  /** Give up waiting for in-flight handlers after this time (their messages get redelivered). */
  timeoutMs?: number;
}

export interface Consumer {
  /** Stop receiving, wait for in-flight handlers to settle (ack/nak), then resolve. */
  stop(options?: StopOptions): Promise<void>;
}

export interface BusRequest {
  subject: string;
  data: Uint8Array;
  headers: BusHeaders;
  /** Fires when the requester gives up (abort, timeout) or the server is stopped. */
  signal: AbortSignal;
}

export type RequestHandler = (req: BusRequest) => AsyncIterable<Uint8Array> | Promise<Uint8Array>;

export interface RequestOptions {
  timeoutMs: number;
  headers?: BusHeaders;
}

export interface RequestStreamOptions {
  /** Longest wait for the next reply (first one included), not for the whole stream. */
  timeoutMs: number;
  signal?: AbortSignal;
  headers?: BusHeaders;
}

export interface Server {
  /** Stop taking requests, wait for running handlers, then resolve. */
  stop(options?: StopOptions): Promise<void>;
}

export interface ConsumerLag {
  name: string;
  /** Messages not yet delivered to this durable. */
  pending: number;
  /** Delivered, not yet acked. */
  ackPending: number;
  /** Messages redelivered at least once and not yet acked. */
  redelivered: number;
}

export interface StreamInfo {
  messages: number;
  bytes: number;
  consumers: ConsumerLag[];
}

export interface Bus {
  /** Create the stream or update its limits; calling again with the same spec is a no-op. */
  ensureStream(spec: StreamSpec): Promise<void>;
  /** Remove a stream and its consumers; false when it did not exist. */
  deleteStream(name: string): Promise<boolean>;
  /** Resolves once the message is durably stored (JetStream ack). */
  publish(subject: string, data: Uint8Array, options?: PublishOptions): Promise<PublishAck>;
  /** Declare (create or update) the durable and start handling its messages. */
  consume(spec: ConsumerSpec, handler: MessageHandler): Promise<Consumer>;
  /** One request, one reply. */
  request(subject: string, data: Uint8Array, options: RequestOptions): Promise<Uint8Array>;
  /** One request, many replies (e.g. C-FIND pending responses); breaking out or aborting cancels. */
  requestStream(subject: string, data: Uint8Array, options: RequestStreamOptions): AsyncIterable<Uint8Array>;
  /** Serve a subject in a queue group: each request goes to one server of the group. */
  serve(subject: string, queueGroup: string, handler: RequestHandler): Promise<Server>;
  streamInfo(stream: string): Promise<StreamInfo>;
  /** Resolves when the bus can take publishes now; throws BusUnavailableError otherwise. */
  ping(): Promise<void>;
  /** Stop consumers and servers (draining them), then release the connection. */
  close(): Promise<void>;
}
