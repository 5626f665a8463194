import type { AAssociateAc, AAssociateRj, AAssociateRq, PDataTf, Pdu, Pdv } from '../pdu';

/** Primitives the protocol machine issues to the local user (PS3.8 §9.2, Tables 9-6 to 9-9). */
export type Indication =
  | { type: 'A-ASSOCIATE indication'; rq: AAssociateRq }
  | { type: 'A-ASSOCIATE confirmation (accept)'; ac: AAssociateAc }
  | { type: 'A-ASSOCIATE confirmation (reject)'; rj: AAssociateRj }
  | { type: 'P-DATA indication'; pdu: PDataTf }
  | { type: 'A-RELEASE indication'; collision: boolean }
  | { type: 'A-RELEASE confirmation' }
  /** Abort by the peer's service-user (A-ABORT PDU with source 0). */
  | { type: 'A-ABORT indication'; source: number; reason: number }
  /** Abort by a service-provider: the peer's (A-ABORT source 2), ours, or the transport closing. */
  | { type: 'A-P-ABORT indication'; source: number; reason: number; cause: 'peer' | 'local' | 'transport' };

/** What actions may do; the transport binding (net/Association) implements it. */
export interface UpperLayerContext {
  /** True on the association-requestor side (decides the release-collision branch, AR-8). */
  readonly isRequestor: boolean;
  connectTransport(): void;
  closeTransport(): void;
  sendPdu(pdu: Pdu): void;
  /** One PDV as one P-DATA-TF; the payload is written as is, not copied. */
  sendPdv(pdv: Pdv): void;
  startArtim(): void;
  stopArtim(): void;
  indicate(indication: Indication): void;
  /** AE-6 "if A-ASSOCIATE-RQ acceptable by service-provider": undefined, else the RJ to send. */
  providerRejection(rq: AAssociateRq): AAssociateRj | undefined;
}
