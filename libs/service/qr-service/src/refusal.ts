// A request qr-service will not run: its identifier is refused (the status PS3.4 gives), or
// the message itself is unreadable (0xC000, a listener of another version).
import { Status } from '@pacs/dicom';
import { QrProtocolError, QueryIdentifierError, type QrOutcome } from '@pacs/domain';

export function refusal(err: unknown): QrOutcome {
  if (err instanceof QueryIdentifierError) return { status: err.status, errorComment: err.errorComment, offendingElements: err.offendingElements };
  if (err instanceof QrProtocolError) return { status: Status.UnableToProcess, errorComment: 'unreadable Q/R request' };
  throw err;
}
