// C-MOVE and C-GET SCU (PS3.7 §9.1.3–9.1.4, PS3.4 C.4.2–C.4.3): progress from the pending
// responses, the counters and Failed SOP Instance UID List of the final one. A C-GET also
// answers the C-STORE sub-operations that arrive on the same association.
import type { Association } from '../../net';
import { readDataSet, writeDataSet, type DataSet } from '../../core';
import { cGetRq, cMoveRq, DimseStatusError, Priority, statusCategory, type CGetRsp, type CMoveRsp, type DimseCommandBase } from '../commands';
import { DimseChannel } from '../channel/dimse-channel';
import type { InboundResponse } from '../channel/inbound';
import type { ResponseStream } from '../channel/response-queue';
import { serveDimse } from '../scp/serve-dimse';
import type { DimseHandlers, ServeDimseOptions } from '../scp/handlers';
import { canceller, type QueryOptions } from './find';
import { selectPresentationContext } from './select-context';

export interface RetrieveStatus {
  status: number;
  remaining?: number;
  completed?: number;
  failed?: number;
  warning?: number;
}

export interface RetrieveOutcome extends RetrieveStatus {
  errorComment?: string;
  /** (0008,0058) of the final response. */
  failedSopInstanceUids: string[];
  response: CMoveRsp | CGetRsp;
}

export interface RetrieveOperation extends AsyncIterable<RetrieveStatus> {
  readonly messageId: number;
  /** The final response whatever its status; rejects if the association ends first. */
  readonly done: Promise<RetrieveOutcome>;
  /** Sends C-CANCEL-RQ once (PS3.4 C.4.2.3.1). */
  cancel(): void;
}

const FAILED_SOP_INSTANCE_UID_LIST = 0x00080058;
const noop = (): void => undefined;

function counters(command: DimseCommandBase): RetrieveStatus {
  return {
    status: command.status ?? 0,
    remaining: command.numberOfRemainingSuboperations,
    completed: command.numberOfCompletedSuboperations,
    failed: command.numberOfFailedSuboperations,
    warning: command.numberOfWarningSuboperations,
  };
}

function outcomeOf(response: InboundResponse): RetrieveOutcome {
  let failedSopInstanceUids: string[] = [];
  if (response.data) {
    try {
      failedSopInstanceUids = readDataSet(response.data, response.context.transferSyntax).getStrings(FAILED_SOP_INSTANCE_UID_LIST) ?? [];
    } catch {
      // A garbled list must not hide the status and counters.
      failedSopInstanceUids = [];
    }
  }
  return {
    ...counters(response.command),
    errorComment: response.command.errorComment,
    failedSopInstanceUids,
    response: response.command as CMoveRsp | CGetRsp,
  };
}

function retrieveOperation(
  association: Association,
  contextId: number,
  responses: ResponseStream,
  service: 'C-MOVE' | 'C-GET',
  options: QueryOptions,
): RetrieveOperation {
  const cancel = canceller(DimseChannel.of(association), contextId, responses, options.signal);
  const done = responses.final.then(outcomeOf);
  done.catch(noop);
  return {
    messageId: responses.messageId,
    done,
    cancel,
    async *[Symbol.asyncIterator]() {
      let complete = false;
      try {
        for await (const response of responses) {
          const progress = counters(response.command);
          if (statusCategory(progress.status) === 'pending') {
            yield progress;
            continue;
          }
          complete = true;
          if (statusCategory(progress.status) === 'failure') throw new DimseStatusError(progress.status, service, response.command.errorComment);
          return;
        }
      } finally {
        if (!complete) cancel();
      }
    },
  };
}

/** C-MOVE to `destination` (an AE title the SCP knows). */
export function move(association: Association, model: string, destination: string, identifier: DataSet, options: QueryOptions = {}): RetrieveOperation {
  const context = selectPresentationContext(association, model);
  const responses = DimseChannel.of(association).request(
    context.id,
    (messageId) => cMoveRq({ messageId, affectedSopClassUid: model, moveDestination: destination, priority: options.priority ?? Priority.MEDIUM }),
    writeDataSet(identifier, context.transferSyntax),
  );
  return retrieveOperation(association, context.id, responses, 'C-MOVE', options);
}

/**
 * C-GET: the instances come back as C-STORE sub-operations on this association, each handed
 * to `onStore` exactly like serveDimse's store handler. Propose the storage classes with the
 * SCP role (scpRoleSelection) when connecting.
 */
export function get(
  association: Association,
  model: string,
  identifier: DataSet,
  onStore: NonNullable<DimseHandlers['store']>,
  options: QueryOptions & Pick<ServeDimseOptions, 'storeFailureStatus' | 'onHandlerError'> = {},
): RetrieveOperation {
  const context = selectPresentationContext(association, model);
  const serving = serveDimse(association, { store: onStore }, options);
  const responses = DimseChannel.of(association).request(
    context.id,
    (messageId) => cGetRq({ messageId, affectedSopClassUid: model, priority: options.priority ?? Priority.MEDIUM }),
    writeDataSet(identifier, context.transferSyntax),
  );
  const stop = (): void => serving.stop();
  responses.final.then(stop, stop);
  return retrieveOperation(association, context.id, responses, 'C-GET', options);
}
