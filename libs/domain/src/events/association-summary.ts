// The summary the listener sends when an association ends (issue 7: recent associations and
// failures in the admin API), on `<prefix>.events.association`. Every admin-api replica hears
// it (a queue group of its own per process, as the AE map change notices) and keeps the last few.

/** How the association ended: A-RELEASE (PS3.8 §7.2), A-ASSOCIATE-RJ (§7.1.1.7) or A-ABORT (§7.3). */
export type AssociationOutcome = 'released' | 'rejected' | 'aborted' | 'closed';

export interface AssociationFailure {
  /** C-STORE, C-ECHO, C-FIND, C-MOVE, C-GET. */
  operation: string;
  /** DIMSE status (PS3.7 Annex C), e.g. 0x0124 refused: not authorized. */
  status: number;
  sopInstanceUid?: string;
  comment?: string;
}

export interface AssociationSummary {
  v: 1;
  id: string;
  callingAe: string;
  calledAe: string;
  /** address:port of the peer. */
  peer: string;
  startedAt: string;
  endedAt: string;
  outcome: AssociationOutcome;
  /** A-ASSOCIATE-RJ result/source/reason, or A-ABORT source/reason and who aborted. */
  rejection?: { result: number; source: number; reason: number };
  abort?: { source: number; reason: number; initiator: string; cause?: string };
  /** Requests handled, by DIMSE operation. */
  operations: Record<string, number>;
  /** The first failures (at most MAX_REPORTED_FAILURES) and how many there were. */
  failures: AssociationFailure[];
  failureCount: number;
}

export const MAX_REPORTED_FAILURES = 20;

export function associationEventSubject(prefix: string): string {
  return `${prefix.toLowerCase()}.events.association`;
}

/** Failed: refused, aborted, or any operation answered with a failure status. */
export function associationFailed(s: AssociationSummary): boolean {
  return s.outcome === 'rejected' || s.outcome === 'aborted' || s.failureCount > 0;
}

export function encodeAssociationSummary(s: AssociationSummary): Uint8Array {
  return Buffer.from(JSON.stringify(s));
}

export function decodeAssociationSummary(data: Uint8Array): AssociationSummary {
  const s = JSON.parse(Buffer.from(data).toString('utf8')) as Partial<AssociationSummary>;
  if (s.v !== 1 || typeof s.id !== 'string' || typeof s.callingAe !== 'string' || typeof s.outcome !== 'string' || !Array.isArray(s.failures)) {
    throw new Error('not an association summary (v1)');
  }
  return s as AssociationSummary;
}
