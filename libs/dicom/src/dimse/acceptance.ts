// The acceptance policy of a PACS front door: Verification, every Storage SOP class and the
// Q/R models, transfer syntaxes "as the sender has them", AE title checks (PS3.8 §9.3.4).
import { DEFAULT_MAX_PDU_LENGTH, type AAssociateRq, type UserIdentityRqItem } from '../pdu';
import { DEFAULT_IMPLEMENTATION_CLASS_UID, DEFAULT_IMPLEMENTATION_VERSION_NAME } from '../net/defaults';
import type { AcceptancePolicy, AcceptedAbstractSyntax, RoleProposal, UserIdentityDecision } from '../ul';
import { isStorageSopClass, QUERY_RETRIEVE_SOP_CLASSES, STORAGE_SOP_CLASSES, VERIFICATION_SOP_CLASS } from './sop-classes';
import { QUERY_TRANSFER_SYNTAXES, selectProposedTransferSyntax, STORAGE_TRANSFER_SYNTAXES } from './transfer-syntax-preference';

export interface DefaultAcceptanceOptions {
  /** Called AE title(s) we answer to; anything else → A-ASSOCIATE-RJ 1/1/7. */
  aeTitle: string | readonly string[];
  /** True accepts any calling AE title (embedded mode, as Conquest out of the box). */
  acceptUnknownCallingAe: boolean;
  /** Known calling AEs (e.g. the AE map); consulted when acceptUnknownCallingAe is false. */
  callingAeCheck?: (callingAeTitle: string, calledAeTitle: string) => boolean;
  /** What to accept; default defaultAbstractSyntaxes(), or parseSopList() of a configured list. */
  abstractSyntaxes?: readonly AcceptedAbstractSyntax[];
  maxPduLength?: number;
  /** Asynchronous operations window (PS3.7 D.3.3.3); 0 = unlimited; default 1 / 1. */
  maxOperationsPerformed?: number;
  maxOperationsInvoked?: number;
  implementationClassUid?: string;
  implementationVersionName?: string;
  checkUserIdentity?: (identity: UserIdentityRqItem | undefined, rq: AAssociateRq) => UserIdentityDecision;
  roleSelection?: (proposal: RoleProposal) => { scuRole: boolean; scpRole: boolean };
}

/** A calling AE check was asked for (acceptUnknownCallingAe false) but none was given. */
export class AcceptanceConfigError extends Error {
  override readonly name = 'AcceptanceConfigError';

  constructor(
    readonly key: string,
    detail: string,
  ) {
    super(`${key}: ${detail}`);
  }
}

/** Storage classes keep the sender's syntax; everything else takes ours in preference order. */
export function defaultAcceptedAbstractSyntax(sopClassUid: string): AcceptedAbstractSyntax {
  if (!isStorageSopClass(sopClassUid)) return { abstractSyntax: sopClassUid, transferSyntaxes: QUERY_TRANSFER_SYNTAXES };
  return {
    abstractSyntax: sopClassUid,
    transferSyntaxes: STORAGE_TRANSFER_SYNTAXES,
    selectTransferSyntax: (proposed) => selectProposedTransferSyntax(proposed, STORAGE_TRANSFER_SYNTAXES),
  };
}

/** Verification, every Storage SOP class (PS3.4 B.5) and every Q/R model (PS3.4 C.6). */
export function defaultAbstractSyntaxes(): AcceptedAbstractSyntax[] {
  return [VERIFICATION_SOP_CLASS, ...STORAGE_SOP_CLASSES, ...QUERY_RETRIEVE_SOP_CLASSES].map((c) => defaultAcceptedAbstractSyntax(c.uid));
}

export function defaultAcceptancePolicy(options: DefaultAcceptanceOptions): AcceptancePolicy {
  const calledAeTitles = typeof options.aeTitle === 'string' ? [options.aeTitle] : [...options.aeTitle];
  if (calledAeTitles.length === 0) throw new AcceptanceConfigError('aeTitle', 'at least one AE title is needed');
  if (!options.acceptUnknownCallingAe && !options.callingAeCheck) {
    throw new AcceptanceConfigError('callingAeCheck', 'required when acceptUnknownCallingAe is false');
  }
  return {
    calledAeTitles,
    checkCallingAeTitle: options.acceptUnknownCallingAe ? undefined : options.callingAeCheck,
    abstractSyntaxes: options.abstractSyntaxes ?? defaultAbstractSyntaxes(),
    maxPduLength: options.maxPduLength ?? DEFAULT_MAX_PDU_LENGTH,
    maxOperationsInvoked: options.maxOperationsInvoked,
    maxOperationsPerformed: options.maxOperationsPerformed,
    implementationClassUid: options.implementationClassUid ?? DEFAULT_IMPLEMENTATION_CLASS_UID,
    implementationVersionName: options.implementationVersionName ?? DEFAULT_IMPLEMENTATION_VERSION_NAME,
    checkUserIdentity: options.checkUserIdentity,
    roleSelection: options.roleSelection,
  };
}
