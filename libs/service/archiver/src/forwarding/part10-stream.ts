// A stored Part 10 object (PS3.10 §7.1) as the data set a C-STORE sends: the preamble, "DICM"
// and group 0002 are read and dropped, the rest streams on as read, never whole in memory.
import { Readable } from 'node:stream';
import { DicomParseError, readFileMetaInformation, type FileMetaInformation } from '@pacs/dicom';

const FIRST_READ = 64 * 1024;
/** Group 0002 larger than this is not something the PACS wrote. */
const MAX_META = 1024 * 1024;

export class StoredObjectFormatError extends Error {
  override readonly name = 'StoredObjectFormatError';
}

export async function openStoredDataSet(source: Readable): Promise<{ meta: FileMetaInformation; dataSet: Readable }> {
  const iterator = source[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const chunks: Buffer[] = [];
  let length = 0;
  let want = FIRST_READ;
  try {
    for (;;) {
      const next = await iterator.next();
      if (!next.done) {
        chunks.push(next.value);
        length += next.value.length;
        if (length < want) continue;
      }
      const bytes = Buffer.concat(chunks, length);
      let parsed: ReturnType<typeof readFileMetaInformation>;
      try {
        parsed = readFileMetaInformation(bytes);
      } catch (err) {
        if (err instanceof DicomParseError && err.reason === 'truncated' && !next.done && want < MAX_META) {
          want *= 4;
          continue;
        }
        throw new StoredObjectFormatError(`stored object is not a Part 10 file: ${err instanceof Error ? err.message : String(err)}`);
      }
      const rest = next.done ? undefined : iterator;
      const dataSet = Readable.from(chunksFrom(bytes.subarray(parsed.dataSetOffset), rest), { objectMode: false });
      dataSet.once('close', () => source.destroy());
      return { meta: parsed.meta, dataSet };
    }
  } catch (err) {
    source.destroy();
    throw err;
  }
}

async function* chunksFrom(first: Buffer, rest: AsyncIterator<Buffer> | undefined): AsyncGenerator<Buffer> {
  if (first.length > 0) yield first;
  while (rest) {
    const next = await rest.next();
    if (next.done) return;
    yield next.value;
  }
}
