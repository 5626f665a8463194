// The listener's side of pacs.qr.find / pacs.qr.retrieve: forwards the identifier to
// qr-service and turns its replies back into DIMSE terms. A failure of the bus (no qr-service,
// a timeout) is 0xA700 "out of resources": the SCU may retry later. A request whose replies
// stopped (the qr-service replica that took it died) is asked once more, so the next replica of
// the queue group answers it; a C-FIND asked again skips the matches already sent.
import { DimseStatusError, Status, type DataSet, type DimseService } from '@pacs/dicom';
import {
  QrProtocolError, decodeFindReply, decodeRetrieveReply, encodeQrRequest, qrSubjects, type QrRequest, type RetrieveInstance,
} from '@pacs/domain';
import { BusAbortedError, BusError, BusTimeoutError, type Bus } from '@pacs/messaging';

export interface QrClientOptions {
  /** bus.streamPrefix: the namespace of the Q/R subjects. */
  namespace: string;
  /** Longest wait for the next reply. */
  timeoutMs: number;
  /** Called when an unanswered request is asked again. */
  onRetry?: (service: DimseService, err: Error) => void;
}

/** How often a request that got no reply at all is sent (the first time included). */
const ATTEMPTS = 2;

export interface FindMatch {
  identifier: DataSet;
  status: 0xff00 | 0xff01;
}

/** Thrown when the request was given up because its signal fired (C-CANCEL, association gone). */
export class QrCancelled extends Error {
  override readonly name = 'QrCancelled';
}

function unavailable(err: unknown, service: DimseService): Error {
  if (err instanceof BusAbortedError) return new QrCancelled('Q/R request cancelled');
  if (err instanceof BusError || err instanceof QrProtocolError) {
    return new DimseStatusError(Status.OutOfResources, service, `query service unavailable (${err.name}); retry later`);
  }
  return err instanceof Error ? err : new Error(String(err));
}

export class QrClient {
  private readonly subjects: { find: string; retrieve: string };

  constructor(
    private readonly bus: Bus,
    private readonly options: QrClientOptions,
  ) {
    this.subjects = qrSubjects(options.namespace);
  }

  /** Matches as qr-service sends them; a final failure status throws DimseStatusError. */
  async *find(request: QrRequest, signal: AbortSignal): AsyncGenerator<FindMatch> {
    // The encoded matches yielded so far, with how often: the replica asked again sends them
    // again, and exactly that many of each are passed over (identical matches may be legitimate).
    const sent = new Map<string, number>();
    for (let attempt = 1; ; attempt++) {
      const toSkip = new Map(sent);
      try {
        for await (const data of this.bus.requestStream(this.subjects.find, encodeQrRequest(request), { timeoutMs: this.options.timeoutMs, signal })) {
          const reply = decodeFindReply(data);
          if (reply.kind === 'match') {
            const key = Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('latin1');
            const skip = toSkip.get(key) ?? 0;
            if (skip > 0) {
              toSkip.set(key, skip - 1);
              continue;
            }
            sent.set(key, (sent.get(key) ?? 0) + 1);
            yield { identifier: reply.identifier, status: reply.status };
            continue;
          }
          if (reply.status === Status.Success) return;
          throw new DimseStatusError(reply.status, 'C-FIND', reply.errorComment);
        }
      } catch (err) {
        if (err instanceof DimseStatusError) throw err;
        if (signal.aborted) throw new QrCancelled('C-FIND cancelled');
        if (this.retryable(err, attempt, 'C-FIND')) continue;
        throw unavailable(err, 'C-FIND');
      }
      throw new DimseStatusError(Status.UnableToProcess, 'C-FIND', 'query service ended without an outcome');
    }
  }

  /** Every instance a C-MOVE/C-GET identifier names; a refused identifier throws DimseStatusError. */
  async resolve(request: QrRequest, service: 'C-MOVE' | 'C-GET', signal: AbortSignal): Promise<RetrieveInstance[]> {
    for (let attempt = 1; ; attempt++) {
      // Nothing reaches the SCU before the list is complete, so asking again is always safe.
      const instances: RetrieveInstance[] = [];
      try {
        for await (const data of this.bus.requestStream(this.subjects.retrieve, encodeQrRequest(request), { timeoutMs: this.options.timeoutMs, signal })) {
          const reply = decodeRetrieveReply(data);
          if (reply.kind === 'instances') {
            instances.push(...reply.instances);
            continue;
          }
          if (reply.status === Status.Success) return instances;
          throw new DimseStatusError(reply.status, service, reply.errorComment);
        }
      } catch (err) {
        if (err instanceof DimseStatusError) throw err;
        if (signal.aborted) throw new QrCancelled(`${service} cancelled`);
        if (this.retryable(err, attempt, service)) continue;
        throw unavailable(err, service);
      }
      throw new DimseStatusError(Status.UnableToProcess, service, 'query service ended without an outcome');
    }
  }

  /** A timeout means the replica that took the request went silent (killed): another one may answer. */
  private retryable(err: unknown, attempt: number, service: DimseService): boolean {
    if (!(err instanceof BusTimeoutError) || attempt >= ATTEMPTS) return false;
    this.options.onRetry?.(service, err);
    return true;
  }
}
