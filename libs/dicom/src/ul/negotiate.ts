// Association negotiation on the acceptor side as a pure function: A-ASSOCIATE-RQ + policy
// → A-ASSOCIATE-AC or A-ASSOCIATE-RJ (PS3.8 §9.3.3–9.3.4, PS3.7 Annex D.3.3).
import {
  DICOM_APPLICATION_CONTEXT,
  filterUserInformation,
  findUserInformation,
  PresentationContextResult,
  PROTOCOL_VERSION_1,
  RejectAcseReason,
  RejectResult,
  RejectSource,
  RejectUserReason,
  type AAssociateAc,
  type AAssociateRj,
  type AAssociateRq,
  type PresentationContextAc,
  type UserIdentityRqItem,
  type UserInformationItem,
} from '../pdu';
import { negotiatedFrom, type NegotiatedAssociation } from './negotiated';

/** One accepted abstract syntax and our transfer syntaxes for it, most preferred first. */
export interface AcceptedAbstractSyntax {
  abstractSyntax: string;
  transferSyntaxes: readonly string[];
  /**
   * Picks the transfer syntax from the proposed list instead of our order (e.g. "keep what the
   * sender has"); must return one of `transferSyntaxes` that was proposed, or undefined.
   */
  selectTransferSyntax?: (proposed: readonly string[]) => string | undefined;
}

export interface RoleProposal {
  sopClassUid: string;
  /** The requestor asks to act as SCU / SCP for this SOP class. */
  scuRole: boolean;
  scpRole: boolean;
}

export type UserIdentityDecision = { accepted: true; serverResponse?: Buffer } | { accepted: false };

export interface AcceptancePolicy {
  /** Called AE titles we answer to; undefined accepts any (as Conquest does out of the box). */
  calledAeTitles?: readonly string[];
  /** False rejects with "calling-AE-title-not-recognized" (e.g. not in the AE map). */
  checkCallingAeTitle?: (callingAeTitle: string, calledAeTitle: string) => boolean;
  /** Accepted abstract syntaxes; the order of each transfer syntax list is our preference. */
  abstractSyntaxes: readonly AcceptedAbstractSyntax[];
  /**
   * Roles we accept for a role selection proposal (PS3.7 D.3.3.4); a role is granted only if
   * both proposed and returned true. Default: grant what was proposed.
   */
  roleSelection?: (proposal: RoleProposal) => { scuRole: boolean; scpRole: boolean };
  /** Outstanding operations we invoke / perform asynchronously; 0 = unlimited. Default 1 / 1. */
  maxOperationsInvoked?: number;
  maxOperationsPerformed?: number;
  /** Largest P-DATA-TF length we receive, sent in the Maximum Length sub-item. */
  maxPduLength: number;
  implementationClassUid: string;
  implementationVersionName?: string;
  /**
   * Decides on the User Identity sub-item (undefined if the requestor sent none). Rejection
   * → A-ASSOCIATE-RJ permanent, service-user, no-reason-given (PS3.7 D.3.3.7).
   */
  checkUserIdentity?: (identity: UserIdentityRqItem | undefined, rq: AAssociateRq) => UserIdentityDecision;
  /** Answer to SOP Class Extended Negotiation (56H); undefined leaves it out of the AC. */
  extendedNegotiation?: (sopClassUid: string, applicationInformation: Buffer) => Buffer | undefined;
}

export type NegotiationResult =
  | { accepted: true; ac: AAssociateAc; negotiated: NegotiatedAssociation }
  | { accepted: false; rj: AAssociateRj };

const IMPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2';

export function associateRj(result: number, source: number, reason: number): AAssociateRj {
  return { type: 'A-ASSOCIATE-RJ', result, source, reason };
}

/** AE-6 "acceptable by service-provider": the ACSE checks below the user's policy. */
export function providerRejection(rq: AAssociateRq): AAssociateRj | undefined {
  if ((rq.protocolVersion & PROTOCOL_VERSION_1) === 0) {
    return associateRj(RejectResult.RejectedPermanent, RejectSource.ServiceProviderAcse, RejectAcseReason.ProtocolVersionNotSupported);
  }
  return undefined;
}

// 0 means "unlimited" on both sides (PS3.7 D.3.3.3).
const minWindow = (a: number, b: number): number => (a === 0 ? b : b === 0 ? a : Math.min(a, b));

function negotiateContext(
  pc: AAssociateRq['presentationContexts'][number],
  accepted: ReadonlyMap<string, AcceptedAbstractSyntax>,
  seenIds: Set<number>,
): PresentationContextAc {
  const fallback = pc.transferSyntaxes[0] ?? IMPLICIT_VR_LITTLE_ENDIAN;
  const reject = (result: number): PresentationContextAc => ({ id: pc.id, result, transferSyntax: fallback });
  // PS3.8 §9.3.2.2: ids are odd integers 1-255, unique within the association.
  if (pc.id % 2 === 0 || seenIds.has(pc.id)) return reject(PresentationContextResult.NoReason);
  seenIds.add(pc.id);
  const ours = accepted.get(pc.abstractSyntax);
  if (!ours) return reject(PresentationContextResult.AbstractSyntaxNotSupported);
  const chosen = ours.selectTransferSyntax
    ? ours.selectTransferSyntax(pc.transferSyntaxes)
    : ours.transferSyntaxes.find((ts) => pc.transferSyntaxes.includes(ts));
  if (chosen === undefined || !pc.transferSyntaxes.includes(chosen) || !ours.transferSyntaxes.includes(chosen)) {
    return reject(PresentationContextResult.TransferSyntaxesNotSupported);
  }
  return { id: pc.id, result: PresentationContextResult.Acceptance, transferSyntax: chosen };
}

export function negotiateAssociation(rq: AAssociateRq, policy: AcceptancePolicy): NegotiationResult {
  const provider = providerRejection(rq);
  if (provider) return { accepted: false, rj: provider };
  const userReject = (reason: number): NegotiationResult => ({
    accepted: false,
    rj: associateRj(RejectResult.RejectedPermanent, RejectSource.ServiceUser, reason),
  });
  if (rq.applicationContextName !== DICOM_APPLICATION_CONTEXT) return userReject(RejectUserReason.ApplicationContextNameNotSupported);
  const called = rq.calledAeTitle.trim();
  if (policy.calledAeTitles && !policy.calledAeTitles.some((ae) => ae.trim() === called)) {
    return userReject(RejectUserReason.CalledAeTitleNotRecognized);
  }
  if (policy.checkCallingAeTitle && !policy.checkCallingAeTitle(rq.callingAeTitle.trim(), called)) {
    return userReject(RejectUserReason.CallingAeTitleNotRecognized);
  }
  const identity = findUserInformation(rq.userInformation, 'user-identity-rq');
  let identityDecision: UserIdentityDecision | undefined;
  if (policy.checkUserIdentity) {
    identityDecision = policy.checkUserIdentity(identity, rq);
    if (!identityDecision.accepted) return userReject(RejectUserReason.NoReasonGiven);
  }

  const accepted = new Map(policy.abstractSyntaxes.map((a) => [a.abstractSyntax, a]));
  const seenIds = new Set<number>();
  const presentationContexts = rq.presentationContexts.map((pc) => negotiateContext(pc, accepted, seenIds));
  const acceptedSops = new Set(
    rq.presentationContexts
      .filter((_, i) => presentationContexts[i]?.result === PresentationContextResult.Acceptance)
      .map((pc) => pc.abstractSyntax),
  );

  const userInformation: UserInformationItem[] = [
    { type: 'maximum-length', maximumLength: policy.maxPduLength },
    { type: 'implementation-class-uid', implementationClassUid: policy.implementationClassUid },
  ];
  const window = findUserInformation(rq.userInformation, 'asynchronous-operations-window');
  if (window) {
    // The AC fields keep the RQ's meaning (operations the requestor invokes / performs) and
    // may only lower them: what the requestor invokes, we perform, and the other way round.
    userInformation.push({
      type: 'asynchronous-operations-window',
      maxOperationsInvoked: minWindow(window.maxOperationsInvoked, policy.maxOperationsPerformed ?? 1),
      maxOperationsPerformed: minWindow(window.maxOperationsPerformed, policy.maxOperationsInvoked ?? 1),
    });
  }
  for (const role of filterUserInformation(rq.userInformation, 'role-selection')) {
    if (!acceptedSops.has(role.sopClassUid)) continue;
    const granted = policy.roleSelection ? policy.roleSelection({ ...role }) : role;
    userInformation.push({
      type: 'role-selection',
      sopClassUid: role.sopClassUid,
      scuRole: role.scuRole && granted.scuRole,
      scpRole: role.scpRole && granted.scpRole,
    });
  }
  if (policy.implementationVersionName !== undefined) {
    userInformation.push({ type: 'implementation-version-name', implementationVersionName: policy.implementationVersionName });
  }
  if (policy.extendedNegotiation) {
    for (const ext of filterUserInformation(rq.userInformation, 'sop-class-extended-negotiation')) {
      if (!acceptedSops.has(ext.sopClassUid)) continue;
      const answer = policy.extendedNegotiation(ext.sopClassUid, ext.serviceClassApplicationInformation);
      if (answer) {
        userInformation.push({ type: 'sop-class-extended-negotiation', sopClassUid: ext.sopClassUid, serviceClassApplicationInformation: answer });
      }
    }
  }
  if (identity?.positiveResponseRequested && identityDecision?.accepted) {
    userInformation.push({ type: 'user-identity-ac', serverResponse: identityDecision.serverResponse ?? Buffer.alloc(0) });
  }

  const ac: AAssociateAc = {
    type: 'A-ASSOCIATE-AC',
    protocolVersion: PROTOCOL_VERSION_1,
    calledAeTitle: rq.calledAeTitle,
    callingAeTitle: rq.callingAeTitle,
    applicationContextName: DICOM_APPLICATION_CONTEXT,
    presentationContexts,
    userInformation,
  };
  return { accepted: true, ac, negotiated: negotiatedFrom(rq, ac) };
}
