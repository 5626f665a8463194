// C-ECHO SCP (PS3.7 §9.1.5, PS3.4 Annex A): success unless the echo handler says otherwise.
import { cEchoRsp, Status, type CEchoRq } from '../commands';
import type { InboundRequest } from '../channel/inbound';
import { drain, type Operation, type ScpContext } from './context';
import type { DimseOutcome } from './handlers';
import { errorComment, outcomeFromError } from './outcome';

export async function performEcho(ctx: ScpContext, request: InboundRequest, op: Operation): Promise<void> {
  const command = request.command as CEchoRq;
  let outcome: DimseOutcome = { status: Status.Success };
  if (ctx.handlers.echo) {
    try {
      outcome = (await ctx.handlers.echo({ association: ctx.info, presentationContext: request.context, signal: op.signal, command })) ?? outcome;
    } catch (err) {
      ctx.reportError(err, 'C-ECHO');
      outcome = outcomeFromError(err, 'C-ECHO', Status.ProcessingFailure);
    }
  }
  await drain(request);
  await ctx.channel.send(
    request.presentationContextId,
    cEchoRsp({ messageIdBeingRespondedTo: command.messageId, affectedSopClassUid: command.affectedSopClassUid, status: outcome.status, errorComment: errorComment(outcome.errorComment) }),
  );
}
