// A-ASSOCIATE-RJ result, source and reason/diag values, PS3.8 §9.3.4 (Table 9-21).
// Kept next to the PDU codecs (not in ul/) because they are PDU field values and ul/ depends on pdu/.

export const RejectResult = {
  RejectedPermanent: 1,
  RejectedTransient: 2,
} as const;
export type RejectResult = (typeof RejectResult)[keyof typeof RejectResult];

export const RejectSource = {
  /** DICOM UL service-user */
  ServiceUser: 1,
  /** DICOM UL service-provider (ACSE related function) */
  ServiceProviderAcse: 2,
  /** DICOM UL service-provider (Presentation related function) */
  ServiceProviderPresentation: 3,
} as const;
export type RejectSource = (typeof RejectSource)[keyof typeof RejectSource];

/** Reasons when the source is the service-user (1). */
export const RejectUserReason = {
  NoReasonGiven: 1,
  ApplicationContextNameNotSupported: 2,
  CallingAeTitleNotRecognized: 3,
  CalledAeTitleNotRecognized: 7,
} as const;

/** Reasons when the source is the service-provider, ACSE related function (2). */
export const RejectAcseReason = {
  NoReasonGiven: 1,
  ProtocolVersionNotSupported: 2,
} as const;

/** Reasons when the source is the service-provider, presentation related function (3). */
export const RejectPresentationReason = {
  TemporaryCongestion: 1,
  LocalLimitExceeded: 2,
} as const;

export const rejectResultText: Readonly<Record<number, string>> = {
  1: 'rejected-permanent',
  2: 'rejected-transient',
};

export const rejectSourceText: Readonly<Record<number, string>> = {
  1: 'DICOM UL service-user',
  2: 'DICOM UL service-provider (ACSE related function)',
  3: 'DICOM UL service-provider (Presentation related function)',
};

/** Reason texts by source; values not listed are reserved. */
export const rejectReasonText: Readonly<Record<number, Readonly<Record<number, string>>>> = {
  1: {
    1: 'no-reason-given',
    2: 'application-context-name-not-supported',
    3: 'calling-AE-title-not-recognized',
    4: 'reserved',
    5: 'reserved',
    6: 'reserved',
    7: 'called-AE-title-not-recognized',
    8: 'reserved',
    9: 'reserved',
    10: 'reserved',
  },
  2: { 1: 'no-reason-given', 2: 'protocol-version-not-supported' },
  3: { 0: 'reserved', 1: 'temporary-congestion', 2: 'local-limit-exceeded', 3: 'reserved', 4: 'reserved', 5: 'reserved', 6: 'reserved', 7: 'reserved' },
};

export function describeReject(result: number, source: number, reason: number): string {
  const r = rejectResultText[result] ?? `unknown result ${result}`;
  const s = rejectSourceText[source] ?? `unknown source ${source}`;
  const why = rejectReasonText[source]?.[reason] ?? `unknown reason ${reason}`;
  return `${r}, ${s}: ${why}`;
}
