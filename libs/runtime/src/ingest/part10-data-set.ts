// A stored Part 10 object (PS3.10 §7.1) as the data set a C-STORE sub-operation sends: the
// preamble, "DICM" and group 0002 are read and dropped, the rest streams on as read, never
// whole in memory.
import { Readable } from 'node:stream';
import { chunksOf, readFileMetaInformation, type FileMetaInformation } from '@pacs/dicom';

/** File meta information larger than this is not something we wrote. */
const MAX_META_BYTES = 1024 * 1024;

export class StoredObjectError extends Error {
  override readonly name = 'StoredObjectError';
}

/** PS3.10 §7.1: preamble, "DICM", then (0002,0000) File Meta Information Group Length (UL). */
const GROUP_LENGTH_END = 128 + 4 + 12;
/** Without a group length to go by, read this much (or the whole object) before parsing. */
const WITHOUT_GROUP_LENGTH = 64 * 1024;

/** Bytes to hold before the file meta can be parsed in one go: all of group 0002 and the next tag. */
function bytesNeeded(bytes: Buffer): number {
  if (bytes.length < GROUP_LENGTH_END) return GROUP_LENGTH_END;
  const isGroupLength = bytes.readUInt16LE(132) === 0x0002 && bytes.readUInt16LE(134) === 0x0000 && bytes.toString('latin1', 136, 138) === 'UL';
  return isGroupLength ? GROUP_LENGTH_END + bytes.readUInt32LE(140) + 8 : WITHOUT_GROUP_LENGTH;
}

function parseMeta(bytes: Buffer): ReturnType<typeof readFileMetaInformation> {
  try {
    return readFileMetaInformation(bytes);
  } catch (err) {
    throw new StoredObjectError(`stored object is not a Part 10 file: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** The file meta and the data set of a whole stored object held in memory (a view, not a copy). */
export function part10Bytes(bytes: Buffer): { meta: FileMetaInformation; dataSet: Buffer } {
  const parsed = parseMeta(bytes);
  return { meta: parsed.meta, dataSet: bytes.subarray(parsed.dataSetOffset) };
}

/** The data set as a stream, whatever its size (see part10Object). */
export async function part10DataSet(source: Readable): Promise<{ meta: FileMetaInformation; dataSet: Readable }> {
  const { meta, dataSet } = await part10Object(source);
  return { meta, dataSet: Buffer.isBuffer(dataSet) ? Readable.from(dataSet.length > 0 ? [dataSet] : [], { objectMode: false }) : dataSet };
}

/**
 * The file meta and the data set: a Buffer when the source delivered the whole object by the
 * time the file meta was read (a small object, read in one go), so a sender can write it in the
 * same system call as its command; otherwise a stream of the rest.
 */
export async function part10Object(source: Readable): Promise<{ meta: FileMetaInformation; dataSet: Readable | Buffer }> {
  // Chunk by chunk: passed on to a sub-operation's socket, never concatenated when it lags.
  const iterator = chunksOf(source);
  const chunks: Buffer[] = [];
  let length = 0;
  try {
    for (;;) {
      const next = await iterator.next();
      if (!next.done) {
        chunks.push(next.value);
        length += next.value.length;
      }
      const bytes = Buffer.concat(chunks, length);
      const needed = bytesNeeded(bytes);
      if (needed > MAX_META_BYTES) throw new StoredObjectError(`file meta information longer than ${MAX_META_BYTES} bytes`);
      if (!next.done && length < needed) continue;
      const parsed = parseMeta(bytes);
      const first = bytes.subarray(parsed.dataSetOffset);
      const after = next.done ? next : await iterator.next();
      if (after.done) return { meta: parsed.meta, dataSet: first };
      const dataSet = Readable.from(dataSetChunks([first, after.value], iterator), { objectMode: false });
      // A sub-operation that stops reading (failed, aborted) releases the storage stream too.
      dataSet.once('close', () => source.destroy());
      return { meta: parsed.meta, dataSet };
    }
  } catch (err) {
    source.destroy();
    throw err;
  }
}

async function* dataSetChunks(first: Buffer[], rest: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
  for (const chunk of first) if (chunk.length > 0) yield chunk;
  for (;;) {
    const next = await rest.next();
    if (next.done) return;
    yield next.value;
  }
}
