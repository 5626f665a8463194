// A data set rewritten header first: the elements before Pixel Data are parsed and changed, the
// bytes after them are passed on as they are (PS3.5 §7: the header is re-encoded in the same
// transfer syntax). Only the header is held in memory, never the pixel data.
import { DicomParseError, HeaderCollector, type CollectedHeader, type DataSet } from '@pacs/dicom';
import { importedDataSet } from '@pacs/runtime';

export class HeaderRewriteError extends Error {
  override readonly name = 'HeaderRewriteError';
}

export interface CollectedData {
  header: CollectedHeader;
  /** Chunks read to complete the header (they may reach past it). */
  buffered: Buffer[];
  /** The rest of the data set, not read yet; undefined when it ended within the header. */
  rest: AsyncIterator<Buffer> | undefined;
}

/** Reads `data` until the header (everything before Pixel Data) is complete; refused above `maxHeaderBytes`. */
export async function collectHeader(data: AsyncIterator<Buffer>, transferSyntaxUid: string, maxHeaderBytes: number): Promise<CollectedData> {
  const collector = new HeaderCollector(transferSyntaxUid, { maxHeaderBytes });
  const buffered: Buffer[] = [];
  let ended = false;
  try {
    for (;;) {
      const next = await data.next();
      if (next.done) {
        collector.end();
        ended = true;
        break;
      }
      buffered.push(next.value);
      if (collector.push(next.value)) break;
    }
  } catch (err) {
    if (err instanceof DicomParseError) throw new HeaderRewriteError(`data set cannot be parsed: ${err.message}`);
    throw err;
  }
  const header = collector.result as CollectedHeader;
  if (header.stoppedAt === 'cap') throw new HeaderRewriteError(`header larger than ${maxHeaderBytes} bytes`);
  return { header, buffered, rest: ended ? undefined : data };
}

/** `change` applied to the header; the new header, then every byte after the old one unchanged. */
export function rewrittenData(collected: CollectedData, transferSyntaxUid: string, change: (header: DataSet) => void): AsyncIterable<Buffer> {
  change(collected.header.dataSet);
  return importedDataSet(collected.header, transferSyntaxUid, collected.buffered, collected.rest, true).body;
}
