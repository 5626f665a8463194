// pacs.qr.retrieve: a C-MOVE/C-GET identifier in, the instances it names out (in batches),
// then the outcome. The listener performs the sub-operations.
import { Status } from '@pacs/dicom';
import { decodeQrRequest, encodeOutcome, encodeRetrieveInstances, parseRetrieveIdentifier, type QrRequest, type RetrieveQuery } from '@pacs/domain';
import type { BusRequest } from '@pacs/messaging';
import type { QueryRepository } from '@pacs/persistence';
import type { Logger } from '@pacs/platform';
import { refusal } from './refusal';
import type { QrReport } from './report';

export async function* retrieveReplies(req: BusRequest, repository: QueryRepository, log: Logger, report: QrReport): AsyncGenerator<Uint8Array> {
  let request: QrRequest;
  let query: RetrieveQuery;
  try {
    request = decodeQrRequest(req.data);
    query = parseRetrieveIdentifier(request.identifier, request.sopClassUid);
  } catch (err) {
    const outcome = refusal(err);
    report.status = outcome.status;
    yield encodeOutcome(outcome);
    return;
  }
  report.level = query.level;
  try {
    for await (const batch of repository.resolveInstances(query, req.signal)) {
      report.results += batch.length;
      yield encodeRetrieveInstances(batch);
    }
  } catch (err) {
    if (req.signal.aborted) return;
    log.error({ err, callingAe: request.callingAeTitle }, 'retrieve resolution failed in the index');
    report.status = Status.UnableToProcess;
    yield encodeOutcome({ status: Status.UnableToProcess, errorComment: 'the index could not resolve the retrieve; retry later' });
    return;
  }
  report.status = Status.Success;
  yield encodeOutcome({ status: Status.Success });
}
