// C-STORE SCP (PS3.7 §9.1.1, PS3.4 B.2): the handler gets the command at once and the data set
// as a stream; the response is sent only after the last data fragment arrived, whatever the
// handler did with it.
import { cStoreRsp, Status, type CStoreRq } from '../commands';
import type { InboundRequest } from '../channel/inbound';
import { drain, type Operation, type ScpContext } from './context';
import type { DimseOutcome } from './handlers';
import { errorComment, outcomeFromError } from './outcome';

async function storeOutcome(ctx: ScpContext, request: InboundRequest, command: CStoreRq, op: Operation): Promise<DimseOutcome> {
  if (!request.data) return { status: Status.UnableToProcess, errorComment: 'C-STORE-RQ announces no data set' };
  if (command.affectedSopClassUid !== request.context.abstractSyntax) {
    return { status: Status.SOPClassNotSupported, errorComment: `SOP class differs from presentation context ${request.presentationContextId}` };
  }
  if (!ctx.handlers.store) return { status: Status.SOPClassNotSupported, errorComment: 'storage is not offered here' };
  try {
    return await ctx.handlers.store({
      association: ctx.info,
      presentationContext: request.context,
      get signal() {
        return op.signal;
      },
      command,
      sopClassUid: command.affectedSopClassUid,
      sopInstanceUid: command.affectedSopInstanceUid,
      transferSyntaxUid: request.context.transferSyntax,
      dataSet: request.data,
    });
  } catch (err) {
    // The association ending is no handler failure: there is nobody left to answer.
    if (op.aborted && !op.cancelled) throw err;
    ctx.reportError(err, 'C-STORE');
    return outcomeFromError(err, 'C-STORE', ctx.storeFailureStatus);
  }
}

export async function performStore(ctx: ScpContext, request: InboundRequest, op: Operation): Promise<void> {
  const command = request.command as CStoreRq;
  const outcome = await storeOutcome(ctx, request, command, op);
  await drain(request);
  await ctx.channel.send(
    request.presentationContextId,
    cStoreRsp({
      messageIdBeingRespondedTo: command.messageId,
      affectedSopClassUid: command.affectedSopClassUid,
      affectedSopInstanceUid: command.affectedSopInstanceUid,
      status: outcome.status,
      errorComment: errorComment(outcome.errorComment),
      offendingElement: outcome.offendingElements?.length ? outcome.offendingElements : undefined,
    }),
  );
}
