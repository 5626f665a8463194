import { describeAbort, describeReject, type AAssociateRj } from '../pdu';
import type { State } from '../ul';

/** Who ended an association by abort, and why (PS3.8 §9.3.8 source/reason). */
export interface AbortInfo {
  source: number;
  reason: number;
  /** local: we sent the A-ABORT; peer: we received it; transport: the connection dropped. */
  initiator: 'local' | 'peer' | 'transport';
  /** What led to it, for logs: "idle-timeout", "artim-timeout", a decoder message, a socket error. */
  cause?: string;
}

export function describeAbortInfo(info: AbortInfo): string {
  const what = info.initiator === 'transport' ? 'transport connection closed' : describeAbort(info.source, info.reason);
  return `${info.initiator} abort: ${what}${info.cause ? ` (${info.cause})` : ''}`;
}

export class AssociationRejectedError extends Error {
  override readonly name = 'AssociationRejectedError';
  readonly result: number;
  readonly source: number;
  readonly reason: number;

  constructor(readonly rj: AAssociateRj) {
    super(`association rejected: ${describeReject(rj.result, rj.source, rj.reason)}`);
    this.result = rj.result;
    this.source = rj.source;
    this.reason = rj.reason;
  }
}

export class AssociationAbortedError extends Error {
  override readonly name = 'AssociationAbortedError';

  constructor(readonly info: AbortInfo) {
    super(`association aborted: ${describeAbortInfo(info)}`);
  }
}

/** A network-level deadline passed (connect / association establishment). */
export class AssociationTimeoutError extends Error {
  override readonly name = 'AssociationTimeoutError';

  constructor(
    readonly phase: 'connect' | 'establishment',
    readonly timeoutMs: number,
  ) {
    super(`${phase} did not complete within ${timeoutMs} ms`);
  }
}

/** An operation the association cannot do in its current state (e.g. send before accept). */
export class AssociationStateError extends Error {
  override readonly name = 'AssociationStateError';

  constructor(
    readonly operation: string,
    readonly state: State,
  ) {
    super(`cannot ${operation} in ${state}`);
  }
}

export class UnknownPresentationContextError extends Error {
  override readonly name = 'UnknownPresentationContextError';

  constructor(readonly presentationContextId: number) {
    super(`presentation context ${presentationContextId} was not accepted on this association`);
  }
}
