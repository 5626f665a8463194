// The PDUs of PS3.8 §9.3 and the User Information sub-items of PS3.7 Annex D.3.3, as values.

/** PDU type byte, PS3.8 §9.3.1 (Table 9-11 and following). */
export const PduType = {
  'A-ASSOCIATE-RQ': 0x01,
  'A-ASSOCIATE-AC': 0x02,
  'A-ASSOCIATE-RJ': 0x03,
  'P-DATA-TF': 0x04,
  'A-RELEASE-RQ': 0x05,
  'A-RELEASE-RP': 0x06,
  'A-ABORT': 0x07,
} as const;
export type PduName = keyof typeof PduType;

/** Application Context Name of DICOM, PS3.7 Annex A.2.1. */
export const DICOM_APPLICATION_CONTEXT = '1.2.840.10008.3.1.1.1';

/** Protocol version bit field; bit 0 = version 1 (PS3.8 §9.3.2). */
export const PROTOCOL_VERSION_1 = 0x0001;

export interface PresentationContextRq {
  id: number;
  abstractSyntax: string;
  transferSyntaxes: string[];
  /** Byte 7 of the item (reserved); present only when a peer sent a non-zero value. */
  reservedByte7?: number;
}

/** Result/Reason of a presentation context in the A-ASSOCIATE-AC, PS3.8 §9.3.3.2 (Table 9-18). */
export const PresentationContextResult = {
  Acceptance: 0,
  UserRejection: 1,
  NoReason: 2,
  AbstractSyntaxNotSupported: 3,
  TransferSyntaxesNotSupported: 4,
} as const;
export type PresentationContextResult = (typeof PresentationContextResult)[keyof typeof PresentationContextResult];

export const presentationContextResultText: Readonly<Record<number, string>> = {
  0: 'acceptance',
  1: 'user-rejection',
  2: 'no-reason (provider rejection)',
  3: 'abstract-syntax-not-supported (provider rejection)',
  4: 'transfer-syntaxes-not-supported (provider rejection)',
};

export interface PresentationContextAc {
  id: number;
  result: number;
  /** Significant only on acceptance; some peers omit the sub-item on rejection. */
  transferSyntax?: string;
}

export interface MaximumLengthItem {
  type: 'maximum-length';
  /** Maximum length of the P-DATA-TF PDU variable field we receive; 0 = unlimited (PS3.8 Annex D.1). */
  maximumLength: number;
}

export interface ImplementationClassUidItem {
  type: 'implementation-class-uid';
  implementationClassUid: string;
}

export interface AsynchronousOperationsWindowItem {
  type: 'asynchronous-operations-window';
  maxOperationsInvoked: number;
  maxOperationsPerformed: number;
}

export interface RoleSelectionItem {
  type: 'role-selection';
  sopClassUid: string;
  /** RQ: proposed/supported; AC: accepted. */
  scuRole: boolean;
  scpRole: boolean;
}

export interface ImplementationVersionNameItem {
  type: 'implementation-version-name';
  implementationVersionName: string;
}

export interface SopClassExtendedNegotiationItem {
  type: 'sop-class-extended-negotiation';
  sopClassUid: string;
  serviceClassApplicationInformation: Buffer;
}

export interface SopClassCommonExtendedNegotiationItem {
  type: 'sop-class-common-extended-negotiation';
  sopClassUid: string;
  serviceClassUid: string;
  relatedGeneralSopClassUids: string[];
}

/** User Identity Type, PS3.7 Annex D.3.3.7.1 (Table D.3-14). */
export const UserIdentityType = {
  Username: 1,
  UsernameAndPasscode: 2,
  Kerberos: 3,
  Saml: 4,
  Jwt: 5,
} as const;

export interface UserIdentityRqItem {
  type: 'user-identity-rq';
  userIdentityType: number;
  positiveResponseRequested: boolean;
  primaryField: Buffer;
  /** Passcode for type 2, empty otherwise. */
  secondaryField: Buffer;
}

export interface UserIdentityAcItem {
  type: 'user-identity-ac';
  /** Kerberos server ticket, SAML response or JWT; empty for types 1 and 2. */
  serverResponse: Buffer;
}

/** A sub-item type we do not know; kept so it can be logged and re-encoded. */
export interface UnknownUserInformationItem {
  type: 'unknown';
  itemType: number;
  data: Buffer;
}

export type UserInformationItem =
  | MaximumLengthItem
  | ImplementationClassUidItem
  | AsynchronousOperationsWindowItem
  | RoleSelectionItem
  | ImplementationVersionNameItem
  | SopClassExtendedNegotiationItem
  | SopClassCommonExtendedNegotiationItem
  | UserIdentityRqItem
  | UserIdentityAcItem
  | UnknownUserInformationItem;

/** A top-level variable item of an A-ASSOCIATE-RQ/AC we do not know, kept and skipped. */
export interface UnknownItem {
  itemType: number;
  data: Buffer;
}

interface AssociateFields {
  /** Bit field, bit 0 = protocol version 1. */
  protocolVersion: number;
  calledAeTitle: string;
  callingAeTitle: string;
  applicationContextName: string;
  /** Sub-items in wire order (PS3.7 Annex D.3.3 does not fix an order; peers differ). */
  userInformation: UserInformationItem[];
  unknownItems?: UnknownItem[];
}

export interface AAssociateRq extends AssociateFields {
  type: 'A-ASSOCIATE-RQ';
  presentationContexts: PresentationContextRq[];
}

/** Called/calling AE titles are "reserved, sent with the RQ values, not tested" (PS3.8 §9.3.3). */
export interface AAssociateAc extends AssociateFields {
  type: 'A-ASSOCIATE-AC';
  presentationContexts: PresentationContextAc[];
}

export interface AAssociateRj {
  type: 'A-ASSOCIATE-RJ';
  result: number;
  source: number;
  reason: number;
}

/** Presentation Data Value, PS3.8 §9.3.5.1 and Annex E.2. */
export interface Pdv {
  presentationContextId: number;
  /** Message control header bit 0. */
  isCommand: boolean;
  /** Message control header bit 1. */
  isLast: boolean;
  /** A view into the received PDU, not a copy. */
  data: Buffer;
}

export interface PDataTf {
  type: 'P-DATA-TF';
  pdvs: Pdv[];
}

export interface AReleaseRq {
  type: 'A-RELEASE-RQ';
}

export interface AReleaseRp {
  type: 'A-RELEASE-RP';
}

export interface AAbort {
  type: 'A-ABORT';
  source: number;
  reason: number;
}

export type Pdu = AAssociateRq | AAssociateAc | AAssociateRj | PDataTf | AReleaseRq | AReleaseRp | AAbort;
