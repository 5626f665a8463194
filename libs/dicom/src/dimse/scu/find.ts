// C-FIND SCU (PS3.7 §9.1.2, PS3.4 C.4.1): matches as they arrive, C-CANCEL-RQ on request.
import type { Association } from '../../net';
import { readDataSet, writeDataSet, type DataSet } from '../../core';
import { cFindRq, DimseStatusError, Priority, statusCategory, type CFindRsp } from '../commands';
import { DimseChannel } from '../channel/dimse-channel';
import type { ResponseStream } from '../channel/response-queue';
import { selectPresentationContext } from './select-context';

export interface QueryOptions {
  priority?: number;
  /** Aborting sends C-CANCEL-RQ. */
  signal?: AbortSignal;
}

export interface FindOperation extends AsyncIterable<DataSet> {
  readonly messageId: number;
  /** The final C-FIND-RSP whatever its status (0xFE00 after a cancel); rejects if the association ends first. */
  readonly done: Promise<CFindRsp>;
  /** Sends C-CANCEL-RQ once; matches already received are still yielded. */
  cancel(): void;
}

const noop = (): void => undefined;

/** Sends the cancel once, and only while the operation is still open. */
export function canceller(channel: DimseChannel, contextId: number, responses: ResponseStream, signal: AbortSignal | undefined): () => void {
  let finished = false;
  let sent = false;
  const cancel = (): void => {
    if (finished || sent) return;
    sent = true;
    channel.cancel(contextId, responses.messageId).catch(noop);
  };
  const onAbort = (): void => cancel();
  const settle = (): void => {
    finished = true;
    signal?.removeEventListener('abort', onAbort);
  };
  responses.final.then(settle, settle);
  if (signal?.aborted) cancel();
  else signal?.addEventListener('abort', onAbort, { once: true });
  return cancel;
}

/**
 * Iterating yields each pending response's identifier; a final failure status throws
 * DimseStatusError from the iterator. Leaving the loop early cancels the query.
 */
export function find(association: Association, model: string, identifier: DataSet, options: QueryOptions = {}): FindOperation {
  const context = selectPresentationContext(association, model);
  const channel = DimseChannel.of(association);
  const responses = channel.request(
    context.id,
    (messageId) => cFindRq({ messageId, affectedSopClassUid: model, priority: options.priority ?? Priority.MEDIUM }),
    writeDataSet(identifier, context.transferSyntax),
  );
  const cancel = canceller(channel, context.id, responses, options.signal);
  const done = responses.final.then((r) => r.command as CFindRsp);
  done.catch(noop);
  return {
    messageId: responses.messageId,
    done,
    cancel,
    async *[Symbol.asyncIterator]() {
      let complete = false;
      try {
        for await (const response of responses) {
          const status = response.command.status ?? 0;
          if (statusCategory(status) !== 'pending') {
            complete = true;
            if (statusCategory(status) === 'failure') throw new DimseStatusError(status, 'C-FIND', response.command.errorComment);
            return;
          }
          if (response.data) yield readDataSet(response.data, response.context.transferSyntax);
        }
      } finally {
        if (!complete) cancel();
      }
    },
  };
}
