import { pipeline, Readable } from 'node:stream';
import { createDeflateRaw, createInflateRaw } from 'node:zlib';
import { TransferSyntaxUid, findTransferSyntax, writeDataSet, type CollectedHeader } from '@pacs/dicom';

/** The data set to store, after the import rules. */
export interface ImportedObject {
  /** The header as collected; its dataSet holds the rules' changes. */
  header: CollectedHeader;
  /** Header bytes for the event: the transfer syntax's encoding (inflated for deflated ones). */
  eventHeader: Buffer;
  /** The whole data set, in order: the (re-encoded) header, then everything after it untouched. */
  body: AsyncIterable<Buffer>;
  /** Storage tier a rule chose. */
  tier: string | undefined;
  /** Attributes coerced by rules that are not silent. */
  coerced: number[];
}

/**
 * The bytes to store. Unchanged: exactly the bytes received. Changed: the header re-encoded
 * in the same transfer syntax (PS3.5 §7) followed by the bytes after the old header, which
 * are never parsed nor held. A deflated data set (PS3.5 A.5) is inflated, given its new
 * header and deflated again on the fly, so the rules apply to it like to any other.
 */
export function importedDataSet(
  header: CollectedHeader, transferSyntaxUid: string, buffered: Buffer[], rest: AsyncIterator<Buffer> | undefined, modified: boolean,
): Omit<ImportedObject, 'tier' | 'coerced'> {
  const received = receivedBytes(buffered, rest);
  if (!modified) return { header, eventHeader: header.header, body: received };
  const deflated = findTransferSyntax(transferSyntaxUid)?.deflated ?? false;
  const newHeader = writeDataSet(header.dataSet, deflated ? TransferSyntaxUid.ExplicitVRLittleEndian : transferSyntaxUid);
  const body = deflated
    ? redeflated(received, header.header.length, newHeader)
    : withNewHeader(received, header.header.length, newHeader);
  return { header, eventHeader: newHeader, body };
}

async function* receivedBytes(buffered: Buffer[], rest: AsyncIterator<Buffer> | undefined): AsyncGenerator<Buffer> {
  yield* buffered;
  if (!rest) return;
  for (;;) {
    const next = await rest.next();
    if (next.done) return;
    yield next.value;
  }
}

/** `newHeader`, then `source` without its first `oldHeaderLength` bytes. */
async function* withNewHeader(source: AsyncIterable<Buffer>, oldHeaderLength: number, newHeader: Buffer): AsyncGenerator<Buffer> {
  yield newHeader;
  let skip = oldHeaderLength;
  for await (const chunk of source) {
    if (skip >= chunk.length) {
      skip -= chunk.length;
      continue;
    }
    yield skip > 0 ? chunk.subarray(skip) : chunk;
    skip = 0;
  }
}

function redeflated(compressed: AsyncIterable<Buffer>, oldHeaderLength: number, newHeader: Buffer): Readable {
  // Errors reach the reader of the returned stream: pipeline destroys every stage with them.
  return pipeline(
    Readable.from(compressed, { objectMode: false }),
    createInflateRaw(),
    (inflated: AsyncIterable<Buffer>) => withNewHeader(inflated, oldHeaderLength, newHeader),
    createDeflateRaw(),
    () => undefined,
  );
}
