/**
 * Typed failures of the messaging port. Callers branch on the class (or `code`), never on
 * message text: the C-STORE SCP maps StreamFullError and BusUnavailableError to an
 * 0xA700-class "out of resources" status, readiness maps BusUnavailableError to "not ready".
 */
export type BusErrorCode =
  | 'BUS_UNAVAILABLE'
  | 'BUS_CLOSED'
  | 'BUS_TIMEOUT'
  | 'BUS_NO_RESPONDERS'
  | 'BUS_REMOTE'
  | 'BUS_ABORTED'
  | 'BUS_PROTOCOL'
  | 'BUS_CONFIG'
  | 'INVALID_SUBJECT'
  | 'STREAM_FULL'
  | 'STREAM_NOT_FOUND';

export abstract class BusError extends Error {
  abstract readonly code: BusErrorCode;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The broker (or JetStream) cannot be reached now; retrying later may succeed. */
export class BusUnavailableError extends BusError {
  readonly code: BusErrorCode = 'BUS_UNAVAILABLE';
}

/** The bus was closed by its owner; no further operation is possible on this instance. */
export class BusClosedError extends BusUnavailableError {
  override readonly code: BusErrorCode = 'BUS_CLOSED';
  constructor(options?: ErrorOptions) {
    super('bus is closed', options);
  }
}

/** No answer (publish ack, reply, next streamed reply) arrived within the allowed time. */
export class BusTimeoutError extends BusError {
  readonly code = 'BUS_TIMEOUT' as const;
  constructor(
    readonly operation: string,
    readonly subject: string,
    readonly timeoutMs: number,
    options?: ErrorOptions,
  ) {
    super(`${operation} on '${subject}' timed out after ${timeoutMs} ms`, options);
  }
}

/** A request found nobody serving its subject. */
export class BusNoRespondersError extends BusError {
  readonly code = 'BUS_NO_RESPONDERS' as const;
  constructor(readonly subject: string, options?: ErrorOptions) {
    super(`no responders for '${subject}'`, options);
  }
}

/** The serving side's handler failed; its error name and message travel back. */
export class BusRemoteError extends BusError {
  readonly code = 'BUS_REMOTE' as const;
  constructor(
    readonly subject: string,
    readonly remoteName: string,
    readonly remoteMessage: string,
  ) {
    super(`responder for '${subject}' failed: ${remoteName}: ${remoteMessage}`);
  }
}

/** The requester stopped a streamed reply (its AbortSignal fired). */
export class BusAbortedError extends BusError {
  readonly code = 'BUS_ABORTED' as const;
  constructor(readonly subject: string, options?: ErrorOptions) {
    super(`request on '${subject}' aborted`, options);
  }
}

/** The two sides disagree on the request/reply framing (lost frame, wrong reply kind). */
export class BusProtocolError extends BusError {
  readonly code = 'BUS_PROTOCOL' as const;
  constructor(readonly subject: string, detail: string, options?: ErrorOptions) {
    super(`protocol error on '${subject}': ${detail}`, options);
  }
}

/** A stream or consumer declaration is invalid or conflicts with an existing one. */
export class BusConfigError extends BusError {
  readonly code = 'BUS_CONFIG' as const;
  constructor(readonly key: string, detail: string, options?: ErrorOptions) {
    super(`${key}: ${detail}`, options);
  }
}

/** A subject is not a valid NATS subject for the operation (e.g. a wildcard in publish). */
export class InvalidSubjectError extends BusError {
  readonly code = 'INVALID_SUBJECT' as const;
  constructor(readonly subject: string, detail: string) {
    super(`invalid subject '${subject}': ${detail}`);
  }
}

/** Publish refused: the stream is at its maxBytes limit (discard policy "new"). */
export class StreamFullError extends BusError {
  readonly code = 'STREAM_FULL' as const;
  constructor(readonly stream: string, detail: string, options?: ErrorOptions) {
    super(`stream '${stream}' is full: ${detail}`, options);
  }
}

/** No stream with that name, or no stream captures the published subject. */
export class StreamNotFoundError extends BusError {
  readonly code = 'STREAM_NOT_FOUND' as const;
  constructor(readonly target: string, options?: ErrorOptions) {
    super(`no stream for '${target}'`, options);
  }
}
