// Which accepted presentation context a request goes out on (PS3.8 §9.3.2.2, PS3.7 D.3.3.4):
// the SOP class, optionally the exact transfer syntax, and our role for that class.
import type { Association } from '../../net';
import type { NegotiatedContext } from '../../ul';
import { NoPresentationContextError } from '../errors';

export function selectPresentationContext(association: Association, sopClassUid: string, transferSyntaxUid?: string): NegotiatedContext {
  const requestor = association.role === 'requestor';
  for (const context of association.negotiated?.contexts.values() ?? []) {
    if (context.abstractSyntax !== sopClassUid) continue;
    if (transferSyntaxUid !== undefined && context.transferSyntax !== transferSyntaxUid) continue;
    // We invoke the request, so we must hold the SCU role for the class.
    if (requestor ? !context.requestorIsScu : !context.requestorIsScp) continue;
    return context;
  }
  throw new NoPresentationContextError(sopClassUid, transferSyntaxUid, requestor ? 'scu' : 'scp');
}
