// C-MOVE and C-GET SCP (PS3.7 §9.1.3–9.1.4, PS3.4 C.4.2–C.4.3): the handler performs the
// sub-operations and reports progress; each report becomes a pending response with the
// counters, its return value the final response.
import type { Readable } from 'node:stream';
import { DataSet, writeDataSet } from '../../core';
import { cGetRsp, cMoveRsp, cStoreRq, Status, type CGetRq, type CMoveRq, type DimseCommandBase } from '../commands';
import type { InboundRequest } from '../channel/inbound';
import type { Operation, ScpContext } from './context';
import type { DimseOutcome, RetrieveGenerator, RetrieveProgress, RetrieveResult, SendSubOperation } from './handlers';
import { isOutcome, readIdentifier } from './identifier';
import { errorComment, outcomeFromError } from './outcome';

/** (0008,0058) Failed SOP Instance UID List. */
const FAILED_SOP_INSTANCE_UID_LIST = 0x00080058;
const noop = (): void => undefined;

interface Counters {
  remaining?: number;
  completed?: number;
  failed?: number;
  warning?: number;
}

/** PS3.4 C.4.2.1.5: success, warning B000 when any sub-operation failed or warned, cancel FE00. */
export function retrieveStatus(result: RetrieveResult, cancelled: boolean): number {
  if (result.status !== undefined) return result.status;
  if (cancelled) return Status.Cancel;
  if (result.failed > 0 || result.warning > 0) return Status.SubOperationsCompleteWithFailures;
  return Status.Success;
}

function subOperationSender(ctx: ScpContext, priority: number): SendSubOperation {
  return async (sopClassUid, sopInstanceUid, transferSyntaxUid, dataSet) => {
    // PS3.4 C.4.3.3: on the C-GET's association, in a context where the requestor is SCP.
    const context = [...ctx.info.negotiated.contexts.values()].find(
      (c) => c.abstractSyntax === sopClassUid && c.transferSyntax === transferSyntaxUid && c.requestorIsScp,
    );
    if (!context) {
      if (!Buffer.isBuffer(dataSet)) (dataSet as Readable).destroy();
      return Status.SOPClassNotSupported;
    }
    const response = await ctx.channel.request(
      context.id,
      (messageId) => cStoreRq({ messageId, affectedSopClassUid: sopClassUid, affectedSopInstanceUid: sopInstanceUid, priority }),
      dataSet,
    ).final;
    if (Buffer.isBuffer(dataSet)) await ctx.channel.association.whenWritten();
    return response.command.status ?? Status.UnableToProcess;
  };
}

export async function performRetrieve(ctx: ScpContext, request: InboundRequest, op: Operation, kind: 'C-MOVE' | 'C-GET'): Promise<void> {
  const command = request.command as CMoveRq | CGetRq;
  const build = kind === 'C-MOVE' ? cMoveRsp : cGetRsp;
  const respond = (outcome: DimseOutcome, counters: Counters, failedUids?: readonly string[]): Promise<void> => {
    const rsp: DimseCommandBase = build({
      messageIdBeingRespondedTo: command.messageId,
      affectedSopClassUid: command.affectedSopClassUid,
      status: outcome.status,
      errorComment: errorComment(outcome.errorComment),
      numberOfRemainingSuboperations: counters.remaining,
      numberOfCompletedSuboperations: counters.completed,
      numberOfFailedSuboperations: counters.failed,
      numberOfWarningSuboperations: counters.warning,
    });
    let data: Buffer | undefined;
    if (failedUids && failedUids.length > 0) {
      data = writeDataSet(new DataSet().setStrings(FAILED_SOP_INSTANCE_UID_LIST, [...failedUids], 'UI'), request.context.transferSyntax);
    }
    return ctx.channel.send(request.presentationContextId, rsp, data);
  };

  const identifier = await readIdentifier(request, ctx.maxIdentifierLength);
  if (isOutcome(identifier)) return respond(identifier, {});
  const { move, get } = ctx.handlers;
  const supported = kind === 'C-MOVE' ? move : get;
  if (!supported || command.affectedSopClassUid !== request.context.abstractSyntax) {
    return respond({ status: Status.SOPClassNotSupported, errorComment: `${kind} is not offered for this SOP class` }, {});
  }
  if (op.cancelled) return respond({ status: Status.Cancel }, { completed: 0, failed: 0, warning: 0 });

  const base = { association: ctx.info, presentationContext: request.context, signal: op.signal, identifier, model: command.affectedSopClassUid };
  let generator: RetrieveGenerator | undefined;
  let last: RetrieveProgress | undefined;
  let lastPendingAt = -Infinity;
  try {
    generator =
      kind === 'C-MOVE' && move
        ? move({ ...base, command: command as CMoveRq, moveDestination: (command as CMoveRq).moveDestination })
        : (get as NonNullable<typeof get>)({ ...base, command: command as CGetRq, sendSubOperation: subOperationSender(ctx, command.priority) });
    for (;;) {
      const r = await generator.next();
      if (r.done) {
        const result = r.value;
        const status = retrieveStatus(result, op.cancelled);
        const counters: Counters = { completed: result.completed, failed: result.failed, warning: result.warning };
        if (status === Status.Cancel) counters.remaining = result.remaining ?? last?.remaining;
        if (op.aborted && !op.cancelled) return;
        return respond({ status, errorComment: result.errorComment }, counters, status === Status.Success ? undefined : result.failedSopInstanceUids);
      }
      last = r.value;
      // Pending responses are optional (PS3.4 C.4.2.3.1, C.4.3.3.1): at most one per interval.
      const now = performance.now();
      if (!op.aborted && now - lastPendingAt >= ctx.pendingIntervalMs) {
        lastPendingAt = now;
        await respond({ status: Status.Pending }, last);
      }
    }
  } catch (err) {
    generator?.return?.(undefined as never)?.catch(noop);
    if (op.aborted && !op.cancelled) throw err;
    ctx.reportError(err, kind);
    const outcome = outcomeFromError(err, kind, Status.UnableToProcess);
    const counters: Counters = last ? { completed: last.completed, failed: last.failed, warning: last.warning } : {};
    return respond(outcome, counters);
  }
}
