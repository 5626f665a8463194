// Part 10 files (PS3.10 §7.1) as C-STORE sources and sinks: the file meta is read or written,
// the data set part is streamed as is, never held whole.
import { createReadStream, createWriteStream } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DicomParseError, encodeFileMetaInformation, readFileMetaInformation, type FileMetaInformation, type FileMetaInformationInput } from '../core';

export interface Part10File {
  readonly path: string;
  readonly meta: FileMetaInformation;
  readonly sopClassUid: string;
  readonly sopInstanceUid: string;
  readonly transferSyntaxUid: string;
  /** Where the data set starts (after preamble, "DICM" and group 0002). */
  readonly dataSetOffset: number;
  /** Bytes of the data set part. */
  readonly dataSetLength: number;
  /** A fresh stream of the data set part; each call opens the file again. */
  openDataSet(highWaterMark?: number): Readable;
}

/** A file that is not a usable Part 10 file: no "DICM", or file meta without the SOP UIDs. */
export class Part10FileError extends Error {
  override readonly name = 'Part10FileError';

  constructor(
    readonly path: string,
    readonly detail: string,
  ) {
    super(`${path}: ${detail}`);
  }
}

const FIRST_READ = 64 * 1024;
/** Group 0002 larger than this is not a file meta we accept. */
const MAX_META = 16 * 1024 * 1024;

export async function openPart10File(path: string): Promise<Part10File> {
  const handle = await open(path, 'r');
  try {
    const size = (await handle.stat()).size;
    let want = Math.min(FIRST_READ, size);
    for (;;) {
      const { buffer, bytesRead } = await handle.read(Buffer.alloc(want), 0, want, 0);
      let parsed: ReturnType<typeof readFileMetaInformation>;
      try {
        parsed = readFileMetaInformation(buffer.subarray(0, bytesRead));
      } catch (err) {
        if (!(err instanceof DicomParseError)) throw err;
        if (err.reason === 'truncated' && want < size && want < MAX_META) {
          want = Math.min(size, MAX_META, want * 4);
          continue;
        }
        throw new Part10FileError(path, err.message);
      }
      const { meta, dataSetOffset } = parsed;
      if (!meta.mediaStorageSopClassUid || !meta.mediaStorageSopInstanceUid) {
        throw new Part10FileError(path, 'file meta information lacks Media Storage SOP Class/Instance UID');
      }
      return {
        path,
        meta,
        sopClassUid: meta.mediaStorageSopClassUid,
        sopInstanceUid: meta.mediaStorageSopInstanceUid,
        transferSyntaxUid: meta.transferSyntaxUid,
        dataSetOffset,
        dataSetLength: size - dataSetOffset,
        openDataSet: (highWaterMark = 256 * 1024) => createReadStream(path, { start: dataSetOffset, highWaterMark }),
      };
    }
  } finally {
    await handle.close();
  }
}

/**
 * Writes file meta plus the data set bytes as they stream in, to `path` via a temporary name,
 * so a failed or aborted transfer never leaves a partial file under the final name.
 * Resolves with the number of data set bytes written.
 */
export async function writePart10File(path: string, meta: FileMetaInformationInput, dataSet: Readable | Buffer): Promise<number> {
  const partial = `${path}.partial-${process.pid}-${Math.random().toString(36).slice(2)}`;
  const out = createWriteStream(partial, { flags: 'wx' });
  let bytes = 0;
  try {
    out.write(encodeFileMetaInformation(meta));
    if (Buffer.isBuffer(dataSet)) {
      bytes = dataSet.length;
      out.end(dataSet);
      await new Promise<void>((resolve, reject) => {
        out.once('finish', resolve);
        out.once('error', reject);
      });
    } else {
      dataSet.on('data', (chunk: Buffer) => (bytes += chunk.length));
      await pipeline(dataSet, out);
    }
    await rename(partial, path);
    return bytes;
  } catch (err) {
    out.destroy();
    await rm(partial, { force: true });
    throw err;
  }
}
