// A-ABORT source and reason/diag values, PS3.8 §9.3.8 (Table 9-26).

export const AbortSource = {
  /** DICOM UL service-user (initiated abort) */
  ServiceUser: 0,
  /** reserved */
  Reserved: 1,
  /** DICOM UL service-provider (initiated abort) */
  ServiceProvider: 2,
} as const;
export type AbortSource = (typeof AbortSource)[keyof typeof AbortSource];

/** Reasons that are significant only when the source is the service-provider (2). */
export const ProviderAbortReason = {
  ReasonNotSpecified: 0,
  UnrecognizedPdu: 1,
  UnexpectedPdu: 2,
  Reserved: 3,
  UnrecognizedPduParameter: 4,
  UnexpectedPduParameter: 5,
  InvalidPduParameterValue: 6,
} as const;
export type ProviderAbortReason = (typeof ProviderAbortReason)[keyof typeof ProviderAbortReason];

export const abortSourceText: Readonly<Record<number, string>> = {
  0: 'DICOM UL service-user (initiated abort)',
  1: 'reserved',
  2: 'DICOM UL service-provider (initiated abort)',
};

export const providerAbortReasonText: Readonly<Record<number, string>> = {
  0: 'reason-not-specified',
  1: 'unrecognized-PDU',
  2: 'unexpected-PDU',
  3: 'reserved',
  4: 'unrecognized-PDU-parameter',
  5: 'unexpected-PDU-parameter',
  6: 'invalid-PDU-parameter-value',
};

/** Human-readable "source / reason" for logs; reason is not significant for the service-user. */
export function describeAbort(source: number, reason: number): string {
  const src = abortSourceText[source] ?? `unknown source ${source}`;
  if (source !== AbortSource.ServiceProvider) return src;
  return `${src}: ${providerAbortReasonText[reason] ?? `unknown reason ${reason}`}`;
}
