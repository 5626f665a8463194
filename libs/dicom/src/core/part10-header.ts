import type { Readable } from 'node:stream';
import { DicomParseError } from './errors';
import { readFileMetaIfComplete, readFileMetaInformation, type FileMetaInformation } from './file-meta';
import { HeaderCollector, type CollectedHeader } from './header-collector';

const FIRST_READ = 64 * 1024;
const MAX_META = 16 * 1024 * 1024;

export interface Part10Header extends CollectedHeader {
  readonly meta: FileMetaInformation;
  /** Where the data set starts in the object (preamble, prefix and file meta before it). */
  readonly dataSetOffset: number;
}

/**
 * Reads a stored Part 10 object's file meta and its header (the data set up to Pixel Data),
 * then stops reading: the pixel data is never fetched past the current chunk. Used where the
 * header was not carried in the event (above the cap) and to rebuild the index from storage.
 */
export async function readPart10Header(source: Readable, maxHeaderBytes: number): Promise<Part10Header> {
  const chunks: Buffer[] = [];
  let length = 0;
  let want = FIRST_READ;
  let ended = true;
  let parsed: ReturnType<typeof readFileMetaInformation> | undefined;
  let collector: HeaderCollector | undefined;
  try {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      if (collector) {
        if (collector.push(chunk)) { ended = false; break; }
        continue;
      }
      chunks.push(chunk);
      length += chunk.length;
      if (length < want) continue;
      parsed = readFileMetaIfComplete(Buffer.concat(chunks, length));
      if (!parsed) {
        if (want >= MAX_META) throw new DicomParseError('invalid-file-meta', 'file meta information larger than 16 MiB', length);
        want *= 4;
        continue;
      }
      collector = new HeaderCollector(parsed.meta.transferSyntaxUid, { maxHeaderBytes });
      if (collector.push(Buffer.concat(chunks, length).subarray(parsed.dataSetOffset))) { ended = false; break; }
    }
    if (!collector) {
      parsed = readFileMetaInformation(Buffer.concat(chunks, length));
      collector = new HeaderCollector(parsed.meta.transferSyntaxUid, { maxHeaderBytes });
      collector.push(Buffer.concat(chunks, length).subarray(parsed.dataSetOffset));
    }
    if (!collector.done) collector.end();
  } finally {
    if (!ended || !source.readableEnded) source.destroy();
  }
  const { meta, dataSetOffset } = parsed as ReturnType<typeof readFileMetaInformation>;
  return { ...(collector.result as CollectedHeader), meta, dataSetOffset };
}
