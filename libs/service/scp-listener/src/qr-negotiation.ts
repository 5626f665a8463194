// SOP Class Extended Negotiation of the Q/R classes (PS3.4 C.5.1.1, C.5.2.1, C.5.3.1): we
// support relational queries and retrieval and combined date-time matching, not fuzzy
// semantic matching of person names nor timezone adjustment. What was agreed is read back
// from the A-ASSOCIATE-AC when the association is accepted.
import { filterUserInformation, queryRetrieveSopClass, type AAssociateAc, type NegotiatedAssociation } from '@pacs/dicom';

export interface QrNegotiated {
  relational: boolean;
  combinedDateTime: boolean;
}

/** Byte i of our answer: 1 where we support what the SCU asked for. */
const FIND_SUPPORT = [1, 1, 0, 0, 0];
const RETRIEVE_SUPPORT = [1, 0];

/** The acceptance policy's extendedNegotiation: answers only for the Q/R SOP classes. */
export function answerQrExtendedNegotiation(sopClassUid: string, requested: Buffer): Buffer | undefined {
  const operation = queryRetrieveSopClass(sopClassUid)?.operation;
  if (!operation) return undefined;
  const support = operation === 'find' ? FIND_SUPPORT : RETRIEVE_SUPPORT;
  const answer = Buffer.alloc(Math.min(requested.length, support.length));
  for (let i = 0; i < answer.length; i++) answer[i] = requested[i] === 1 && support[i] === 1 ? 1 : 0;
  return answer.length > 0 ? answer : undefined;
}

/** Per association (by its negotiated settings), what the AC agreed for each Q/R SOP class. */
export class QrNegotiations {
  private readonly agreed = new WeakMap<NegotiatedAssociation, Map<string, Buffer>>();

  remember(ac: AAssociateAc, negotiated: NegotiatedAssociation): void {
    const items = filterUserInformation(ac.userInformation, 'sop-class-extended-negotiation');
    if (items.length === 0) return;
    this.agreed.set(negotiated, new Map(items.map((i) => [i.sopClassUid, i.serviceClassApplicationInformation])));
  }

  of(negotiated: NegotiatedAssociation, sopClassUid: string): QrNegotiated {
    const info = this.agreed.get(negotiated)?.get(sopClassUid);
    return { relational: info?.[0] === 1, combinedDateTime: queryRetrieveSopClass(sopClassUid)?.operation === 'find' && info?.[1] === 1 };
  }
}
