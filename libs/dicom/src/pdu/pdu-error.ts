import { AbortSource, ProviderAbortReason, describeAbort } from './abort-reasons';

/**
 * A PDU from the wire violates PS3.8 §9.3. Carries the A-ABORT to answer with
 * (source 2, service-provider; PS3.8 §9.3.8), so the state machine can send it as is (Evt19).
 */
export class PduDecodeError extends Error {
  override readonly name = 'PduDecodeError';
  readonly abortSource = AbortSource.ServiceProvider;

  constructor(
    readonly abortReason: ProviderAbortReason,
    readonly detail: string,
    readonly pduType?: number,
  ) {
    super(`${describeAbort(AbortSource.ServiceProvider, abortReason)}: ${detail}`);
  }
}

/** A PDU object that cannot be encoded (a value out of range or too long for its field). */
export class PduEncodeError extends Error {
  override readonly name = 'PduEncodeError';

  constructor(
    readonly field: string,
    detail: string,
  ) {
    super(`cannot encode ${field}: ${detail}`);
  }
}

export const invalidValue = (detail: string, pduType?: number): PduDecodeError =>
  new PduDecodeError(ProviderAbortReason.InvalidPduParameterValue, detail, pduType);
