// C-FIND SCP (PS3.7 §9.1.2, PS3.4 C.4.1): one pending response per match, then the final one;
// C-CANCEL-RQ stops the matching at once and is answered 0xFE00.
import { DataSet, writeDataSet } from '../../core';
import { cFindRsp, Status, statusCategory, type CFindRq } from '../commands';
import type { InboundRequest } from '../channel/inbound';
import type { Operation, ScpContext } from './context';
import type { DimseOutcome, FindPending } from './handlers';
import { isOutcome, readIdentifier } from './identifier';
import { errorComment, outcomeFromError } from './outcome';

const ABORTED: unique symbol = Symbol('aborted');
const noop = (): void => undefined;

export async function performFind(ctx: ScpContext, request: InboundRequest, op: Operation): Promise<void> {
  const command = request.command as CFindRq;
  // A pending response is not flushed on its own: the peer acts only on the final one, and the
  // matches the handler has at hand leave together, with the final response when it follows.
  const respond = (outcome: DimseOutcome, identifier?: DataSet): Promise<void> =>
    ctx.channel.send(
      request.presentationContextId,
      cFindRsp({
        messageIdBeingRespondedTo: command.messageId,
        affectedSopClassUid: command.affectedSopClassUid,
        status: outcome.status,
        errorComment: errorComment(outcome.errorComment),
      }),
      identifier ? writeDataSet(identifier, request.context.transferSyntax) : undefined,
      { flush: statusCategory(outcome.status) !== 'pending' },
    );

  const identifier = await readIdentifier(request, ctx.maxIdentifierLength);
  if (isOutcome(identifier)) return respond(identifier);
  const handler = ctx.handlers.find;
  if (!handler || command.affectedSopClassUid !== request.context.abstractSyntax) {
    return respond({ status: Status.SOPClassNotSupported, errorComment: 'C-FIND is not offered for this SOP class' });
  }
  if (op.cancelled) return respond({ status: Status.Cancel });

  const aborted = op.whenAborted().then((): typeof ABORTED => ABORTED);
  let iterator: AsyncIterator<DataSet | FindPending> | undefined;
  let finished = false;
  try {
    iterator = handler({ association: ctx.info, presentationContext: request.context, signal: op.signal, command, identifier, model: command.affectedSopClassUid })[
      Symbol.asyncIterator
    ]();
    for (;;) {
      const next = iterator.next();
      next.catch(noop);
      const r = await Promise.race([next, aborted]);
      if (r === ABORTED) break;
      if (r.done) {
        finished = true;
        break;
      }
      const match = r.value instanceof DataSet ? { identifier: r.value } : r.value;
      await respond({ status: match.status ?? Status.Pending }, match.identifier);
    }
  } catch (err) {
    if (op.aborted && !op.cancelled) throw err;
    ctx.reportError(err, 'C-FIND');
    return respond(outcomeFromError(err, 'C-FIND', Status.UnableToProcess));
  } finally {
    // Stop a handler we no longer listen to; what it still does cannot reach the peer.
    if (!finished) iterator?.return?.()?.catch(noop);
  }
  if (op.aborted) {
    if (!op.cancelled) return;
    return respond({ status: Status.Cancel });
  }
  return respond({ status: Status.Success });
}
