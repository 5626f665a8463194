// A request the SCP refuses, with the DIMSE status and comment the final response carries
// (PS3.4 C.4.1.1.4, C.4.2.1.5, C.4.3.1.4).

/** Failed: Identifier does not match SOP Class. */
export const IDENTIFIER_DOES_NOT_MATCH_SOP_CLASS = 0xa900;
/** Failed: Unable to process (the Cxxx family). */
export const UNABLE_TO_PROCESS = 0xc000;
/** Refused: Out of Resources. */
export const OUT_OF_RESOURCES = 0xa700;

export class QueryIdentifierError extends Error {
  override readonly name = 'QueryIdentifierError';
  constructor(
    readonly status: number,
    /** For (0000,0902) Error Comment: short, ASCII. */
    readonly errorComment: string,
    /** Tags for (0000,0901) Offending Element. */
    readonly offendingElements: number[] = [],
  ) {
    super(errorComment);
  }
}

/** More matches than the configured maximum: refused before any is sent. */
export class TooManyMatchesError extends Error {
  override readonly name = 'TooManyMatchesError';
  readonly status = OUT_OF_RESOURCES;
  constructor(readonly maxMatches: number) {
    super(`more than ${maxMatches} matches; refine the query`);
  }
}
