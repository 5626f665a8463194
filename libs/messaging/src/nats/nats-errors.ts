import { JetStreamApiError, JetStreamError } from '@nats-io/jetstream';
import {
  ClosedConnectionError,
  DrainingConnectionError,
  NoRespondersError,
  RequestError,
  TimeoutError,
} from '@nats-io/transport-node';
import {
  BusClosedError,
  BusConfigError,
  BusError,
  BusNoRespondersError,
  BusTimeoutError,
  BusUnavailableError,
  StreamFullError,
  StreamNotFoundError,
} from '../errors';

/** JetStream API error codes this adapter gives a meaning (nats-server errors.json). */
export const JsCode = {
  StreamNotFound: 10059,
  StreamNameInUse: 10058,
  StreamStoreFailed: 10077,
  StreamSubjectOverlap: 10065,
  AccountResourcesExceeded: 10002,
  InsufficientResources: 10023,
  ConsumerNotFound: 10014,
  ConsumerExists: 10013,
  ConsumerAlreadyExists: 10148,
  WorkQueueMultipleUnfiltered: 10099,
  WorkQueueNotUnique: 10100,
} as const;

export function apiCode(err: unknown): number | undefined {
  return err instanceof JetStreamApiError ? err.code : undefined;
}

/** The error and its causes, outermost first (nats.js wraps no-responders twice). */
function chain(err: unknown): unknown[] {
  const out: unknown[] = [];
  for (let e = err; e !== undefined && out.length < 5; e = e instanceof Error ? e.cause : undefined) out.push(e);
  return out;
}

function isTimeout(err: unknown): boolean {
  return chain(err).some((e) => e instanceof TimeoutError);
}

/** Nobody subscribed: for JetStream API subjects this means no stream or no JetStream. */
export function isNoResponders(err: unknown): boolean {
  return chain(err).some(
    (e) => e instanceof NoRespondersError || (e instanceof RequestError && e.isNoResponders()) || (e instanceof Error && e.name === 'JetStreamNotEnabled'),
  );
}

function isClosed(err: unknown): boolean {
  return err instanceof ClosedConnectionError || err instanceof DrainingConnectionError;
}

/** Core NATS request/reply failures. */
export function requestError(err: unknown, operation: string, subject: string, timeoutMs: number): Error {
  if (err instanceof BusError) return err;
  if (isClosed(err)) return new BusClosedError({ cause: err });
  if (isNoResponders(err)) return new BusNoRespondersError(subject, { cause: err });
  if (isTimeout(err)) return new BusTimeoutError(operation, subject, timeoutMs, { cause: err });
  return new BusUnavailableError(`${operation} on '${subject}' failed: ${String(err)}`, { cause: err });
}

/** JetStream publish failures; a missing stream is told apart by the caller (see NatsBus). */
export function publishError(err: unknown, subject: string, timeoutMs: number): Error {
  if (err instanceof BusError) return err;
  if (isClosed(err)) return new BusClosedError({ cause: err });
  if (err instanceof JetStreamApiError) {
    const { code } = err;
    const full = /maximum (bytes|messages) exceeded/i.test(err.message);
    if (full || code === JsCode.AccountResourcesExceeded || code === JsCode.InsufficientResources) {
      return new StreamFullError(subject, err.message, { cause: err });
    }
  }
  if (isTimeout(err)) return new BusTimeoutError('publish', subject, timeoutMs, { cause: err });
  return new BusUnavailableError(`publish on '${subject}' failed: ${String(err)}`, { cause: err });
}

/** Stream and consumer management failures. */
export function apiError(err: unknown, key: string, target: string): Error {
  if (err instanceof BusError) return err;
  if (isClosed(err)) return new BusClosedError({ cause: err });
  if (err instanceof JetStreamApiError) {
    if (err.code === JsCode.StreamNotFound) return new StreamNotFoundError(target, { cause: err });
    return new BusConfigError(key, `${target}: ${err.message}`, { cause: err });
  }
  if (isTimeout(err) || isNoResponders(err) || err instanceof JetStreamError) {
    return new BusUnavailableError(`JetStream did not answer for ${target}: ${String(err)}`, { cause: err });
  }
  return new BusUnavailableError(`${target}: ${String(err)}`, { cause: err });
}
