// Errors of the DIMSE service layer (PS3.7); status failures use DimseStatusError.

/** The peer broke DIMSE message framing (PS3.7 §6.3): the association is aborted. */
export class DimseProtocolError extends Error {
  override readonly name = 'DimseProtocolError';

  constructor(detail: string) {
    super(`DIMSE protocol violation: ${detail}`);
  }
}

/** No accepted presentation context fits a request (PS3.8 §9.3.2.2); nothing was sent. */
export class NoPresentationContextError extends Error {
  override readonly name = 'NoPresentationContextError';

  constructor(
    readonly sopClassUid: string,
    readonly transferSyntaxUid?: string,
    readonly role: 'scu' | 'scp' = 'scu',
  ) {
    super(
      `no accepted presentation context for ${sopClassUid}${transferSyntaxUid ? ` with transfer syntax ${transferSyntaxUid}` : ''}` +
        (role === 'scp' ? ' and the SCP role for the association-requestor' : ''),
    );
  }
}

/** A DIMSE operation did not complete because the association ended first. */
export class DimseAssociationEndedError extends Error {
  override readonly name = 'DimseAssociationEndedError';

  constructor(readonly detail: string) {
    super(`association ended: ${detail}`);
  }
}
