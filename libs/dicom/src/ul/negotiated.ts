import {
  filterUserInformation,
  findUserInformation,
  PresentationContextResult,
  type AAssociateAc,
  type AAssociateRq,
  type UserInformationItem,
} from '../pdu';

/** An accepted presentation context, as both sides now use it. */
export interface NegotiatedContext {
  id: number;
  abstractSyntax: string;
  transferSyntax: string;
  /** Roles of the association-requestor for this SOP class (PS3.7 D.3.3.4); default SCU only. */
  requestorIsScu: boolean;
  requestorIsScp: boolean;
}

/** What an A-ASSOCIATE-RQ/AC pair settled, seen from either side. */
export interface NegotiatedAssociation {
  callingAeTitle: string;
  calledAeTitle: string;
  /** Accepted presentation contexts by id. */
  contexts: ReadonlyMap<number, NegotiatedContext>;
  /** Maximum P-DATA-TF length the requestor receives; 0 = unlimited (PS3.8 Annex D.1). */
  requestorMaxPduLength: number;
  acceptorMaxPduLength: number;
  /** Asynchronous Operations Window (PS3.7 D.3.3.3); 1/1 when not negotiated. */
  maxOperationsInvoked: number;
  maxOperationsPerformed: number;
  requestorImplementationClassUid?: string;
  requestorImplementationVersionName?: string;
  acceptorImplementationClassUid?: string;
  acceptorImplementationVersionName?: string;
}

function maxLength(items: readonly UserInformationItem[]): number {
  return findUserInformation(items, 'maximum-length')?.maximumLength ?? 0;
}

/** Combines an A-ASSOCIATE-RQ with the A-ASSOCIATE-AC that answered it. */
export function negotiatedFrom(rq: AAssociateRq, ac: AAssociateAc): NegotiatedAssociation {
  const proposed = new Map(rq.presentationContexts.map((pc) => [pc.id, pc]));
  const roles = new Map(filterUserInformation(ac.userInformation, 'role-selection').map((r) => [r.sopClassUid, r]));
  const contexts = new Map<number, NegotiatedContext>();
  for (const pc of ac.presentationContexts) {
    const asked = proposed.get(pc.id);
    if (pc.result !== PresentationContextResult.Acceptance || !asked || pc.transferSyntax === undefined) continue;
    const role = roles.get(asked.abstractSyntax);
    contexts.set(pc.id, {
      id: pc.id,
      abstractSyntax: asked.abstractSyntax,
      transferSyntax: pc.transferSyntax,
      requestorIsScu: role ? role.scuRole : true,
      requestorIsScp: role ? role.scpRole : false,
    });
  }
  const window = findUserInformation(ac.userInformation, 'asynchronous-operations-window');
  return {
    callingAeTitle: rq.callingAeTitle,
    calledAeTitle: rq.calledAeTitle,
    contexts,
    requestorMaxPduLength: maxLength(rq.userInformation),
    acceptorMaxPduLength: maxLength(ac.userInformation),
    maxOperationsInvoked: window?.maxOperationsInvoked ?? 1,
    maxOperationsPerformed: window?.maxOperationsPerformed ?? 1,
    requestorImplementationClassUid: findUserInformation(rq.userInformation, 'implementation-class-uid')?.implementationClassUid,
    requestorImplementationVersionName: findUserInformation(rq.userInformation, 'implementation-version-name')?.implementationVersionName,
    acceptorImplementationClassUid: findUserInformation(ac.userInformation, 'implementation-class-uid')?.implementationClassUid,
    acceptorImplementationVersionName: findUserInformation(ac.userInformation, 'implementation-version-name')?.implementationVersionName,
  };
}
