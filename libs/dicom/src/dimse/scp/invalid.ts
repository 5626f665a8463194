// A request whose command set lacks a mandatory element or names an unknown operation is still
// answered (PS3.7 §C.5): 0x0211 for an unknown Command Field, 0xC000 otherwise, once any
// announced data set has been drained.
import { isKnownCommandField, Status, type DimseCommandBase } from '../commands';
import type { InboundInvalidRequest } from '../channel/inbound';
import { drain, type ScpContext } from './context';
import { errorComment } from './outcome';

export async function answerInvalid(ctx: ScpContext, request: InboundInvalidRequest): Promise<void> {
  await drain(request);
  const response: DimseCommandBase = {
    commandField: (request.commandField | 0x8000) & 0xffff,
    hasDataSet: false,
    messageIdBeingRespondedTo: request.messageId,
    affectedSopClassUid: request.affectedSopClassUid,
    status: isKnownCommandField(request.commandField) ? Status.UnableToProcess : Status.UnrecognizedOperation,
    errorComment: errorComment(request.error.message),
  };
  await ctx.channel.send(request.presentationContextId, response);
}
