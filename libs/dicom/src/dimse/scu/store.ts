// C-STORE SCU (PS3.7 §9.1.1): streams the data set in the presentation context that has its
// SOP class and its transfer syntax, so the bytes go out exactly as given.
import type { Readable } from 'node:stream';
import type { Association } from '../../net';
import { cStoreRq, Priority, type CStoreRsp } from '../commands';
import { DimseChannel } from '../channel/dimse-channel';
import { selectPresentationContext } from './select-context';

export interface StoreInput {
  sopClassUid: string;
  sopInstanceUid: string;
  /** How `dataSet` is encoded; a context with exactly this transfer syntax must be accepted. */
  transferSyntaxUid: string;
  /**
   * The data set (no preamble, no file meta), streamed or in memory. Once store() resolves a
   * Buffer is not read any more: its owner may reuse it.
   */
  dataSet: Readable | Buffer;
  /** Set when this C-STORE is a C-MOVE sub-operation (PS3.7 §9.3.1.1). */
  moveOriginator?: { aeTitle: string; messageId: number };
  priority?: number;
}

/**
 * Resolves with the C-STORE-RSP, whatever its status; rejects with NoPresentationContextError
 * (nothing sent, the stream destroyed) or when the association ends first.
 */
export async function store(association: Association, input: StoreInput): Promise<CStoreRsp> {
  let contextId: number;
  try {
    contextId = selectPresentationContext(association, input.sopClassUid, input.transferSyntaxUid).id;
  } catch (err) {
    if (!Buffer.isBuffer(input.dataSet)) input.dataSet.destroy();
    throw err;
  }
  const responses = DimseChannel.of(association).request(
    contextId,
    (messageId) =>
      cStoreRq({
        messageId,
        affectedSopClassUid: input.sopClassUid,
        affectedSopInstanceUid: input.sopInstanceUid,
        priority: input.priority ?? Priority.MEDIUM,
        moveOriginatorApplicationEntityTitle: input.moveOriginator?.aeTitle,
        moveOriginatorMessageId: input.moveOriginator?.messageId,
      }),
    input.dataSet,
  );
  const rsp = (await responses.final).command as CStoreRsp;
  if (Buffer.isBuffer(input.dataSet)) await association.whenWritten();
  return rsp;
}
