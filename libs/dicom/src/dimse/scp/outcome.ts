// Turning handler failures into DIMSE statuses (PS3.7 Annex C, PS3.4 B.2.3 / C.4.1.1.4).
import { DicomParseError } from '../../core';
import { DimseStatusError, Status, type DimseService } from '../commands';
import type { DimseOutcome } from './handlers';

/** (0000,0902) Error Comment is LO: at most 64 characters of the default repertoire, no backslash. */
export function errorComment(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const clean = text.replace(/[^\x20-\x7e]/g, '?').replace(/\\/g, '/').trim();
  return clean.length === 0 ? undefined : clean.slice(0, 64).trimEnd();
}

/**
 * DimseStatusError keeps its status; a data set we cannot parse is "cannot understand"
 * (C-STORE 0xC000) or "identifier does not match SOP class" (Q/R 0xA900); anything else is
 * out of resources for storage (retry later) and unable to process for Q/R.
 */
export function outcomeFromError(error: unknown, service: DimseService, storeFailureStatus: number): DimseOutcome {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof DimseStatusError) return { status: error.status, errorComment: errorComment(error.errorComment ?? message) };
  if (error instanceof DicomParseError) {
    const status = service === 'C-STORE' ? Status.UnableToProcess : Status.IdentifierDoesNotMatchSOPClass;
    return { status, errorComment: errorComment(message), offendingElements: error.tag === undefined ? undefined : [error.tag] };
  }
  return { status: service === 'C-STORE' ? storeFailureStatus : Status.UnableToProcess, errorComment: errorComment(message) };
}
