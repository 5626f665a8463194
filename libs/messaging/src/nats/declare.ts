import {
  AckPolicy,
  DeliverPolicy,
  DiscardPolicy,
  RetentionPolicy,
  StorageType,
  type ConsumerConfig,
  type JetStreamManager,
  type StreamConfig,
} from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import type { ConsumerSpec, StreamSpec } from '../bus';
import { BusConfigError } from '../errors';
import type { BusLogger } from '../logger';
import { apiCode, apiError, JsCode } from './nats-errors';

/**
 * Streams and durable consumers are declared in code: create when missing, update when the
 * spec changed, nothing when equal. Several pods declaring at once is expected, so "already
 * exists" from a concurrent create falls back to the update path.
 */

function streamLimits(spec: StreamSpec) {
  return {
    subjects: [...spec.subjects],
    duplicate_window: nanos(spec.duplicateWindowMs),
    max_bytes: spec.maxBytes ?? -1,
    max_age: nanos(spec.maxAgeMs ?? 0),
    num_replicas: spec.replicas ?? 1,
    // Refuse rather than silently drop an event nobody consumed yet (C-STORE answers 0xA700).
    discard: DiscardPolicy.New,
  };
}

function sameStream(have: StreamConfig, want: ReturnType<typeof streamLimits>): boolean {
  return (
    have.subjects.length === want.subjects.length &&
    have.subjects.every((s, i) => s === want.subjects[i]) &&
    have.duplicate_window === want.duplicate_window &&
    have.max_bytes === want.max_bytes &&
    have.max_age === want.max_age &&
    have.num_replicas === want.num_replicas &&
    have.discard === want.discard
  );
}

export async function declareStream(jsm: JetStreamManager, spec: StreamSpec, logger: BusLogger): Promise<void> {
  const retention = spec.retention === 'workqueue' ? RetentionPolicy.Workqueue : RetentionPolicy.Limits;
  const want = streamLimits(spec);
  try {
    const existing = await jsm.streams.info(spec.name).catch((err: unknown) => {
      if (apiCode(err) === JsCode.StreamNotFound) return undefined;
      throw err;
    });
    if (!existing) {
      try {
        await jsm.streams.add({ name: spec.name, retention, storage: StorageType.File, ...want });
        logger.info({ stream: spec.name, subjects: spec.subjects }, 'stream created');
        return;
      } catch (err) {
        if (apiCode(err) !== JsCode.StreamNameInUse) throw err;
      }
    }
    const current = existing ?? (await jsm.streams.info(spec.name));
    if (current.config.retention !== retention) {
      throw new BusConfigError('stream.retention', `stream '${spec.name}' exists with retention '${current.config.retention}'`);
    }
    if (sameStream(current.config, want)) return;
    await jsm.streams.update(spec.name, want);
    logger.info({ stream: spec.name, subjects: spec.subjects }, 'stream updated');
  } catch (err) {
    throw apiError(err, 'stream', spec.name);
  }
}

function consumerConfig(spec: ConsumerSpec): Partial<ConsumerConfig> {
  const cfg: Partial<ConsumerConfig> = {
    durable_name: spec.durable,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    ack_wait: nanos(spec.ackWaitMs),
    // Redelivery delays after a failure are sent with each nak (see NatsConsumer), so the
    // server's BackOff, which would also replace ackWait, is not used.
    max_deliver: spec.maxDeliver,
    max_ack_pending: spec.maxAckPending,
  };
  if (spec.filterSubject !== undefined) cfg.filter_subject = spec.filterSubject;
  return cfg;
}

function sameConsumer(have: ConsumerConfig, want: Partial<ConsumerConfig>): boolean {
  return (
    have.ack_wait === want.ack_wait &&
    have.max_deliver === want.max_deliver &&
    have.max_ack_pending === want.max_ack_pending &&
    (have.filter_subject || undefined) === want.filter_subject
  );
}

export async function declareConsumer(jsm: JetStreamManager, spec: ConsumerSpec, logger: BusLogger): Promise<void> {
  const want = consumerConfig(spec);
  const target = `${spec.stream}/${spec.durable}`;
  try {
    const existing = await jsm.consumers.info(spec.stream, spec.durable).catch((err: unknown) => {
      if (apiCode(err) === JsCode.ConsumerNotFound) return undefined;
      throw err;
    });
    if (!existing) {
      try {
        await jsm.consumers.add(spec.stream, want);
        logger.info({ stream: spec.stream, durable: spec.durable, filterSubject: spec.filterSubject }, 'durable consumer created');
        return;
      } catch (err) {
        const code = apiCode(err);
        if (code !== JsCode.ConsumerExists && code !== JsCode.ConsumerAlreadyExists) throw err;
      }
    }
    const current = existing ?? (await jsm.consumers.info(spec.stream, spec.durable));
    if (sameConsumer(current.config, want)) return;
    const { ack_wait, max_deliver, max_ack_pending, filter_subject } = want;
    await jsm.consumers.update(spec.stream, spec.durable, { ack_wait, max_deliver, max_ack_pending, ...(filter_subject ? { filter_subject } : {}) });
    logger.info({ stream: spec.stream, durable: spec.durable }, 'durable consumer updated');
  } catch (err) {
    throw apiError(err, 'consumer', target);
  }
}
