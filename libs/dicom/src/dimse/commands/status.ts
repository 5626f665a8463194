// DIMSE status codes: PS3.7 Annex C (general) and the service-specific ones of PS3.4
// (B.2.3 Storage, C.4.1.1.4 C-FIND, C.4.2.1.5 C-MOVE, C.4.3.1.4 C-GET). One table.

export type StatusCategory = 'success' | 'pending' | 'cancel' | 'warning' | 'failure';
export type DimseService = 'C-STORE' | 'C-FIND' | 'C-GET' | 'C-MOVE' | 'C-ECHO' | 'N-EVENT-REPORT' | 'N-GET' | 'N-SET' | 'N-ACTION' | 'N-CREATE' | 'N-DELETE';

export interface StatusEntry {
  readonly code: number;
  /** Last code of a range such as A7xx or Cxxx; equal to code for single codes. */
  readonly codeMax: number;
  readonly meaning: string;
  readonly category: StatusCategory;
  /** Services the meaning is specific to; undefined for PS3.7 Annex C general statuses. */
  readonly services?: readonly DimseService[];
}

const QR: readonly DimseService[] = ['C-FIND', 'C-GET', 'C-MOVE'];
const RETRIEVE: readonly DimseService[] = ['C-GET', 'C-MOVE'];

function s(code: number, meaning: string, category: StatusCategory, services?: readonly DimseService[], codeMax = code): StatusEntry {
  return services ? { code, codeMax, meaning, category, services } : { code, codeMax, meaning, category };
}

export const Status = {
  Success: 0x0000,
  Pending: 0xff00,
  PendingWarning: 0xff01,
  Cancel: 0xfe00,
  AttributeListError: 0x0107,
  ProcessingFailure: 0x0110,
  DuplicateSOPInstance: 0x0111,
  NoSuchSOPInstance: 0x0112,
  SOPClassNotSupported: 0x0122,
  NotAuthorized: 0x0124,
  UnrecognizedOperation: 0x0211,
  OutOfResources: 0xa700,
  OutOfResourcesNumberOfMatches: 0xa701,
  OutOfResourcesSubOperations: 0xa702,
  MoveDestinationUnknown: 0xa801,
  IdentifierDoesNotMatchSOPClass: 0xa900,
  CoercionOfDataElements: 0xb000,
  SubOperationsCompleteWithFailures: 0xb000,
  ElementsDiscarded: 0xb006,
  DataSetDoesNotMatchSOPClassWarning: 0xb007,
  UnableToProcess: 0xc000,
} as const;

export const STATUS_TABLE: readonly StatusEntry[] = [
  s(0x0000, 'Success', 'success'),
  s(0x0001, 'Warning: requested optional attributes are not supported', 'warning', ['N-GET', 'N-SET', 'N-CREATE']),
  s(0x0105, 'Failure: no such attribute', 'failure'),
  s(0x0106, 'Failure: invalid attribute value', 'failure'),
  s(0x0107, 'Warning: attribute list error', 'warning'),
  s(0x0110, 'Failure: processing failure', 'failure'),
  s(0x0111, 'Failure: duplicate SOP Instance', 'failure'),
  s(0x0112, 'Failure: no such SOP Instance', 'failure'),
  s(0x0113, 'Failure: no such event type', 'failure'),
  s(0x0114, 'Failure: no such argument', 'failure'),
  s(0x0115, 'Failure: invalid argument value', 'failure'),
  s(0x0116, 'Warning: attribute value out of range', 'warning'),
  s(0x0117, 'Failure: invalid object instance', 'failure'),
  s(0x0118, 'Failure: no such SOP Class', 'failure'),
  s(0x0119, 'Failure: class-instance conflict', 'failure'),
  s(0x0120, 'Failure: missing attribute', 'failure'),
  s(0x0121, 'Failure: missing attribute value', 'failure'),
  s(0x0122, 'Refused: SOP Class not supported', 'failure'),
  s(0x0123, 'Failure: no such action', 'failure'),
  s(0x0124, 'Refused: not authorized', 'failure'),
  s(0x0210, 'Failure: duplicate invocation', 'failure'),
  s(0x0211, 'Failure: unrecognized operation', 'failure'),
  s(0x0212, 'Failure: mistyped argument', 'failure'),
  s(0x0213, 'Failure: resource limitation', 'failure'),
  s(0xa700, 'Refused: out of resources', 'failure', ['C-STORE'], 0xa7ff),
  s(0xa700, 'Refused: out of resources', 'failure', ['C-FIND']),
  s(0xa701, 'Refused: out of resources - unable to calculate number of matches', 'failure', RETRIEVE),
  s(0xa702, 'Refused: out of resources - unable to perform sub-operations', 'failure', RETRIEVE),
  s(0xa801, 'Refused: move destination unknown', 'failure', ['C-MOVE']),
  s(0xa900, 'Error: data set does not match SOP Class', 'failure', ['C-STORE'], 0xa9ff),
  s(0xa900, 'Failed: identifier does not match SOP Class', 'failure', QR),
  s(0xb000, 'Warning: coercion of data elements', 'warning', ['C-STORE']),
  s(0xb000, 'Warning: sub-operations complete - one or more failures or warnings', 'warning', RETRIEVE),
  s(0xb006, 'Warning: elements discarded', 'warning', ['C-STORE']),
  s(0xb007, 'Warning: data set does not match SOP Class', 'warning', ['C-STORE']),
  s(0xc000, 'Error: cannot understand', 'failure', ['C-STORE'], 0xcfff),
  s(0xc000, 'Failed: unable to process', 'failure', QR, 0xcfff),
  s(0xfe00, 'Cancel: operation terminated due to a cancel indication', 'cancel', QR),
  s(0xff00, 'Pending: matches are continuing', 'pending', ['C-FIND']),
  s(0xff00, 'Pending: sub-operations are continuing', 'pending', RETRIEVE),
  s(0xff01, 'Pending: matches are continuing - optional keys not supported', 'pending', ['C-FIND']),
];

/**
 * PS3.7 §C.1 status classes by code alone: 0000 success, FF00/FF01 pending, FE00 cancel,
 * 0001, 0107, 0116 and Bxxx warning, everything else (01xx, 02xx, Axxx, Cxxx, unknown) failure.
 */
export function statusCategory(code: number): StatusCategory {
  if (code === 0x0000) return 'success';
  if (code === 0xff00 || code === 0xff01) return 'pending';
  if (code === 0xfe00) return 'cancel';
  if (code === 0x0001 || code === 0x0107 || code === 0x0116 || (code & 0xf000) === 0xb000) return 'warning';
  return 'failure';
}

/** The table entry for a code, preferring the meaning specific to `service`. */
export function lookupStatus(code: number, service?: DimseService): StatusEntry | undefined {
  let general: StatusEntry | undefined;
  let anyService: StatusEntry | undefined;
  for (const e of STATUS_TABLE) {
    if (code < e.code || code > e.codeMax) continue;
    if (!e.services) general ??= e;
    else if (service && e.services.includes(service)) return e;
    else anyService ??= e;
  }
  return general ?? anyService;
}

/** "0xA700 Refused: out of resources" for logs and error messages. */
export function describeStatus(code: number, service?: DimseService): string {
  const hex = `0x${code.toString(16).toUpperCase().padStart(4, '0')}`;
  return `${hex} ${lookupStatus(code, service)?.meaning ?? `${statusCategory(code)} (unknown status)`}`;
}

/** A DIMSE operation that ended with a non-success status; carries the status and its meaning. */
export class DimseStatusError extends Error {
  override readonly name = 'DimseStatusError';
  readonly category: StatusCategory;
  constructor(
    readonly status: number,
    readonly service?: DimseService,
    readonly errorComment?: string,
  ) {
    super(`${service ?? 'DIMSE'} status ${describeStatus(status, service)}${errorComment ? `: ${errorComment}` : ''}`);
    this.category = statusCategory(status);
  }
}
