import type { BusHeaders, ConsumerSpec, StreamSpec } from './bus';
import { BusConfigError, InvalidSubjectError } from './errors';
import { isValidSubject } from './subject';

/** Declaration rules both adapters enforce identically (JetStream's own, checked up front). */

const NAME = /^[A-Za-z0-9_-]{1,255}$/;

function positiveInt(key: string, value: number | undefined, min = 1): void {
  if (value === undefined) return;
  if (!Number.isInteger(value) || value < min) throw new BusConfigError(key, `must be an integer >= ${min}, got ${value}`);
}

export function checkStreamSpec(spec: StreamSpec): void {
  if (!NAME.test(spec.name)) throw new BusConfigError('stream.name', `'${spec.name}' must be letters, digits, '_' or '-'`);
  if (spec.subjects.length === 0) throw new BusConfigError('stream.subjects', 'at least one subject is required');
  for (const s of spec.subjects) {
    if (!isValidSubject(s, true)) throw new InvalidSubjectError(s, 'not a valid stream subject');
  }
  positiveInt('stream.duplicateWindowMs', spec.duplicateWindowMs);
  positiveInt('stream.maxBytes', spec.maxBytes);
  positiveInt('stream.maxAgeMs', spec.maxAgeMs);
  positiveInt('stream.replicas', spec.replicas);
  if (spec.maxAgeMs !== undefined && spec.duplicateWindowMs > spec.maxAgeMs) {
    throw new BusConfigError('stream.duplicateWindowMs', 'must not exceed maxAgeMs');
  }
  if (spec.retention !== undefined && spec.retention !== 'limits' && spec.retention !== 'workqueue') {
    throw new BusConfigError('stream.retention', `unknown retention '${String(spec.retention)}'`);
  }
}

export function checkConsumerSpec(spec: ConsumerSpec): void {
  if (!NAME.test(spec.durable)) throw new BusConfigError('consumer.durable', `'${spec.durable}' must be letters, digits, '_' or '-'`);
  if (spec.filterSubject !== undefined && !isValidSubject(spec.filterSubject, true)) {
    throw new InvalidSubjectError(spec.filterSubject, 'not a valid filter subject');
  }
  positiveInt('consumer.maxAckPending', spec.maxAckPending);
  positiveInt('consumer.ackWaitMs', spec.ackWaitMs);
  positiveInt('consumer.maxDeliver', spec.maxDeliver);
  for (const delay of spec.backoffMs ?? []) positiveInt('consumer.backoffMs', delay, 0);
}

export function checkPublishSubject(subject: string): void {
  if (!isValidSubject(subject, false)) throw new InvalidSubjectError(subject, 'publish needs a literal subject');
}

export function checkServe(subject: string, queueGroup: string): void {
  if (!isValidSubject(subject, true)) throw new InvalidSubjectError(subject, 'not a valid subject to serve');
  if (!isValidSubject(queueGroup, false)) throw new BusConfigError('queueGroup', `'${queueGroup}' is not a valid queue group name`);
}

/** Delay before redelivering a message whose delivery number `deliveryCount` failed. */
export function redeliveryDelayMs(backoffMs: readonly number[] | undefined, deliveryCount: number): number {
  if (!backoffMs || backoffMs.length === 0) return 0;
  return backoffMs[Math.min(deliveryCount, backoffMs.length) - 1] ?? 0;
}

/** Header names the adapters use for themselves; they never reach handlers. */
export function isReservedHeader(name: string): boolean {
  const lower = name.toLowerCase();
  return lower.startsWith('nats-') || lower.startsWith('pacs-bus-');
}

const HEADER_NAME = /^[!-9;-~]+$/;

/** Headers a caller may send: printable names without ':', single-line values, none reserved. */
export function checkHeaders(headers: BusHeaders | undefined): void {
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (!HEADER_NAME.test(name)) throw new BusConfigError('headers', `'${name}' is not a valid header name`);
    if (isReservedHeader(name)) throw new BusConfigError('headers', `'${name}' is reserved for the bus`);
    if (/[\r\n]/.test(value)) throw new BusConfigError('headers', `value of '${name}' must be a single line`);
  }
}

export function userHeaders(headers: BusHeaders | undefined): BusHeaders {
  const out: BusHeaders = {};
  for (const [k, v] of Object.entries(headers ?? {})) if (!isReservedHeader(k)) out[k] = v;
  return out;
}
