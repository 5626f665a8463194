// pacs.qr.find: a C-FIND identifier in, one reply per match (the response identifier) and the
// final outcome out. Matches stream from the index cursor as the listener reads them; when
// the request is cancelled (C-CANCEL) the bus aborts req.signal and the cursor stops.
import { Status } from '@pacs/dicom';
import {
  TooManyMatchesError, assembleResponse, decodeQrRequest, encodeFindMatch, encodeOutcome, parseFindIdentifier,
  type FindQuery, type QrRequest,
} from '@pacs/domain';
import type { BusRequest } from '@pacs/messaging';
import type { QueryRepository } from '@pacs/persistence';
import type { Logger } from '@pacs/platform';
import { refusal } from './refusal';
import type { QrReport } from './report';

export interface FindResponderOptions {
  caseInsensitivePn: boolean;
}

/** Answers one find request; `report` is filled in as it goes (for the span and metrics). */
export async function* findReplies(
  req: BusRequest, repository: QueryRepository, options: FindResponderOptions, log: Logger, report: QrReport,
): AsyncGenerator<Uint8Array> {
  let request: QrRequest;
  let query: FindQuery;
  try {
    request = decodeQrRequest(req.data);
    query = parseFindIdentifier(request.identifier, request.sopClassUid, {
      caseInsensitivePn: options.caseInsensitivePn, relational: request.relational === true, combinedDateTime: request.combinedDateTime === true,
    });
  } catch (err) {
    const outcome = refusal(err);
    report.status = outcome.status;
    yield encodeOutcome(outcome);
    return;
  }
  report.level = query.level;
  // PS3.4 C.4.1.1.4: FF01 on every pending response when optional keys went unmatched.
  const pending = query.unsupportedKeys.length > 0 ? Status.PendingWarning : Status.Pending;
  try {
    for await (const match of repository.find(query, req.signal)) {
      let identifier;
      try {
        identifier = assembleResponse(query, match, { retrieveAeTitle: request.calledAeTitle });
      } catch (err) {
        // One record the codec cannot write (damaged stored attributes) must not sink the query.
        log.warn({ err, callingAe: request.callingAeTitle }, 'C-FIND match left out: its response identifier cannot be encoded');
        continue;
      }
      report.results++;
      yield encodeFindMatch(identifier, pending);
    }
  } catch (err) {
    if (req.signal.aborted) return;
    if (err instanceof TooManyMatchesError) {
      report.status = err.status;
      yield encodeOutcome({ status: err.status, errorComment: err.message });
      return;
    }
    log.error({ err, callingAe: request.callingAeTitle }, 'C-FIND failed in the index');
    report.status = Status.UnableToProcess;
    yield encodeOutcome({ status: Status.UnableToProcess, errorComment: 'the index could not answer the query; retry later' });
    return;
  }
  if (req.signal.aborted) return;
  report.status = Status.Success;
  yield encodeOutcome({ status: Status.Success });
}
