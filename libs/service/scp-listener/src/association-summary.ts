// Collects what happened on one association and sends the summary when it closes (issue 7):
// who called, from where, how it ended (released, A-ASSOCIATE-RJ, A-ABORT), how many requests
// of each DIMSE operation it carried and which were answered with a failure status.
// Sent as a notice to every admin-api (bus request, not awaited by the association): nobody
// listening, or a slow answer, changes nothing for the peer.
import { Status, type Association, type DimseHandlers, type DimseOutcome } from '@pacs/dicom';
import {
  associationEventSubject, encodeAssociationSummary, MAX_REPORTED_FAILURES, type AssociationFailure, type AssociationSummary,
} from '@pacs/domain';
import { BusNoRespondersError, BusTimeoutError, type Bus } from '@pacs/messaging';
import type { Logger } from '@pacs/platform';

const NOTICE_TIMEOUT_MS = 2_000;

/** PS3.7 C.1: 0x0000 success, 0xB000-0xBFFF (and 0x0001, 0x0107, 0x0116) warnings; FFxx pending. */
const isFailure = (status: number): boolean =>
  status !== Status.Success && (status & 0xf000) !== 0xb000 && status !== 0x0001 && status !== 0x0107 && status !== 0x0116 && (status & 0xff00) !== 0xff00;

export class AssociationSummaryRecorder {
  private readonly startedAt = new Date();
  private callingAe = '';
  private calledAe = '';
  private readonly operations: Record<string, number> = {};
  private readonly failures: AssociationFailure[] = [];
  private failureCount = 0;
  private rejection: AssociationSummary['rejection'];
  private abort: AssociationSummary['abort'];
  private released = false;

  constructor(private readonly association: Association) {
    association.on('requested', (rq) => {
      this.callingAe = rq.callingAeTitle.trim();
      this.calledAe = rq.calledAeTitle.trim();
    });
    association.on('rejected', (rj) => {
      this.rejection = { result: rj.result, source: rj.source, reason: rj.reason };
    });
    association.on('aborted', (info) => {
      this.abort = { source: info.source, reason: info.reason, initiator: info.initiator, ...(info.cause ? { cause: info.cause } : {}) };
    });
    association.on('released', () => {
      this.released = true;
    });
  }

  /** The same handlers, counting each request and noting failure statuses of C-ECHO and C-STORE. */
  observe(handlers: DimseHandlers): DimseHandlers {
    const count = (operation: string) => {
      this.operations[operation] = (this.operations[operation] ?? 0) + 1;
    };
    const observed: DimseHandlers = { ...handlers };
    const { echo, store, find, move, get } = handlers;
    if (echo) {
      observed.echo = async (req) => {
        count('C-ECHO');
        const outcome = await echo(req);
        if (outcome) this.noteOutcome('C-ECHO', outcome);
        return outcome;
      };
    }
    if (store) {
      observed.store = async (req) => {
        count('C-STORE');
        const outcome = await store(req);
        this.noteOutcome('C-STORE', outcome, req.sopInstanceUid);
        return outcome;
      };
    }
    if (find) observed.find = (req) => (count('C-FIND'), find(req));
    if (move) observed.move = (req) => (count('C-MOVE'), move(req));
    if (get) observed.get = (req) => (count('C-GET'), get(req));
    return observed;
  }

  private noteOutcome(operation: string, outcome: DimseOutcome, sopInstanceUid?: string): void {
    if (!isFailure(outcome.status)) return;
    this.failureCount++;
    if (this.failures.length < MAX_REPORTED_FAILURES) {
      this.failures.push({ operation, status: outcome.status, ...(sopInstanceUid ? { sopInstanceUid } : {}), ...(outcome.errorComment ? { comment: outcome.errorComment } : {}) });
    }
  }

  summary(): AssociationSummary {
    const a = this.association;
    return {
      v: 1,
      id: a.id,
      callingAe: this.callingAe,
      calledAe: this.calledAe,
      peer: `${a.remoteAddress ?? '?'}:${a.transport?.remotePort ?? '?'}`,
      startedAt: this.startedAt.toISOString(),
      endedAt: new Date().toISOString(),
      outcome: this.rejection ? 'rejected' : this.abort ? 'aborted' : this.released ? 'released' : 'closed',
      ...(this.rejection ? { rejection: this.rejection } : {}),
      ...(this.abort ? { abort: this.abort } : {}),
      operations: { ...this.operations },
      failures: [...this.failures],
      failureCount: this.failureCount,
    };
  }
}

/** Sends the summary when the association closes; failures to send are logged at debug level only. */
export function publishSummaryOnClose(recorder: AssociationSummaryRecorder, association: Association, bus: Bus, prefix: string, logger: Logger): void {
  association.once('close', () => {
    const subject = associationEventSubject(prefix);
    bus.request(subject, encodeAssociationSummary(recorder.summary()), { timeoutMs: NOTICE_TIMEOUT_MS }).catch((err: unknown) => {
      if (err instanceof BusNoRespondersError || err instanceof BusTimeoutError) return;
      logger.debug({ err }, 'association summary not sent');
    });
  });
}
