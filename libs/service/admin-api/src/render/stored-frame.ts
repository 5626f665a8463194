// One frame of a stored Part 10 object, read from the storage stream without holding the whole
// object: the file meta (PS3.10 §7.1) and the data set up to Pixel Data are collected (bounded
// by maxHeaderBytes), then the stream is read on only up to the end of the wanted frame. Only
// native (uncompressed) transfer syntaxes: an encapsulated frame would need a codec (PS3.5 §8.2).
import { HeaderCollector, readFileMetaIfComplete, readFileMetaInformation, TransferSyntaxUid } from '@pacs/dicom';
import { frameLength, imagePixelOf, RENDERABLE_TRANSFER_SYNTAXES, RenderError, type ImagePixel } from './image-pixel';

const PIXEL_DATA = 0x7fe00010;
const UNDEFINED_LENGTH = 0xffffffff;
const FIRST_READ = 64 * 1024;
const MAX_META = 16 * 1024 * 1024;

/** Pulls chunks from a stream; `rest` keeps what was read but not used yet. */
class ChunkReader {
  private readonly it: AsyncIterator<Buffer>;
  constructor(source: AsyncIterable<Buffer>) {
    this.it = source[Symbol.asyncIterator]();
  }

  async next(): Promise<Buffer | undefined> {
    const r = await this.it.next();
    return r.done ? undefined : (r.value as Buffer);
  }

  /** Stops reading (destroys a Node stream). */
  async close(): Promise<void> {
    await this.it.return?.();
  }
}

export async function readStoredFrame(source: AsyncIterable<Buffer>, frameNumber: number, maxHeaderBytes = 16 * 1024 * 1024): Promise<{ pixel: ImagePixel; frame: Buffer }> {
  const reader = new ChunkReader(source);
  try {
    return await readFrame(reader, frameNumber, maxHeaderBytes);
  } finally {
    await reader.close();
  }
}

async function readFrame(reader: ChunkReader, frameNumber: number, maxHeaderBytes: number): Promise<{ pixel: ImagePixel; frame: Buffer }> {
  // File meta information.
  const start: Buffer[] = [];
  let length = 0;
  let meta: ReturnType<typeof readFileMetaInformation> | undefined;
  for (let want = FIRST_READ; !meta; ) {
    const chunk = await reader.next();
    if (chunk) {
      start.push(chunk);
      length += chunk.length;
      if (length < want) continue;
      meta = readFileMetaIfComplete(Buffer.concat(start, length));
      if (!meta && want >= MAX_META) throw new RenderError(406, 'file meta information larger than 16 MiB');
      want *= 4;
    } else {
      meta = readFileMetaInformation(Buffer.concat(start, length));
    }
  }
  const ts = meta.meta.transferSyntaxUid;
  if (!RENDERABLE_TRANSFER_SYNTAXES.has(ts)) throw new RenderError(406, `rendering of ${ts} not supported`);

  // The data set up to Pixel Data; `kept` holds the data set bytes read so far (header + the last chunk).
  const collector = new HeaderCollector(ts, { maxHeaderBytes });
  const kept: Buffer[] = [Buffer.concat(start, length).subarray(meta.dataSetOffset)];
  let done = collector.push(kept[0] as Buffer);
  while (!done) {
    const chunk = await reader.next();
    if (!chunk) {
      collector.end();
      break;
    }
    kept.push(chunk);
    done = collector.push(chunk);
  }
  const header = collector.result;
  if (!header || header.stoppedAt === 'end') throw new RenderError(406, 'the instance has no Pixel Data (7FE0,0010) to render');
  if (header.stoppedAt === 'cap') throw new RenderError(406, `the data set before Pixel Data is larger than ${maxHeaderBytes} bytes`);

  // The Pixel Data element header (PS3.5 §7.1.2 explicit VR: tag, VR, 2 reserved, 32-bit length; §7.1.3 implicit: tag, length).
  let bytes = Buffer.concat(kept);
  kept.length = 0;
  const littleEndian = ts !== TransferSyntaxUid.ExplicitVRBigEndian;
  const explicitVr = ts !== TransferSyntaxUid.ImplicitVRLittleEndian;
  const at = header.header.length;
  const elementHeader = explicitVr ? 12 : 8;
  while (bytes.length < at + elementHeader) {
    const chunk = await reader.next();
    if (!chunk) throw new RenderError(406, 'the stored object ends inside the Pixel Data element header');
    bytes = Buffer.concat([bytes, chunk]);
  }
  const u16 = (o: number) => (littleEndian ? bytes.readUInt16LE(o) : bytes.readUInt16BE(o));
  const u32 = (o: number) => (littleEndian ? bytes.readUInt32LE(o) : bytes.readUInt32BE(o));
  const tag = ((u16(at) << 16) | u16(at + 2)) >>> 0;
  if (tag !== PIXEL_DATA) throw new RenderError(406, `rendering of (${(tag >>> 16).toString(16).toUpperCase()},${(tag & 0xffff).toString(16).toUpperCase().padStart(4, '0')}) float pixel data not supported`);
  const vr = explicitVr ? bytes.toString('latin1', at + 4, at + 6) : 'OW';
  const valueLength = u32(explicitVr ? at + 8 : at + 4);
  if (valueLength === UNDEFINED_LENGTH) throw new RenderError(406, `encapsulated Pixel Data in ${ts}: rendering not supported`);

  const pixel = imagePixelOf(header.dataSet);
  const size = frameLength(pixel);
  const frames = Math.min(pixel.numberOfFrames, Math.floor(valueLength / size));
  if (frames === 0) throw new RenderError(406, `Pixel Data holds ${valueLength} bytes; one frame of ${pixel.rows}×${pixel.columns} needs ${size}`);
  if (frameNumber > frames) throw new RenderError(404, `frame ${frameNumber} does not exist; the instance has ${frames}`);

  // Read on to the end of the frame, keeping only its bytes (PS3.5 §8.1.1: frames follow each other without padding).
  const from = at + elementHeader + (frameNumber - 1) * size;
  const frame = Buffer.alloc(size);
  let filled = 0;
  let offset = 0;
  for (let chunk: Buffer | undefined = bytes; chunk && filled < size; chunk = await reader.next()) {
    const lo = Math.max(from, offset);
    const hi = Math.min(from + size, offset + chunk.length);
    if (hi > lo) {
      chunk.copy(frame, lo - from, lo - offset, hi - offset);
      filled += hi - lo;
    }
    offset += chunk.length;
  }
  if (filled < size) throw new RenderError(406, `the stored object ends inside frame ${frameNumber}`);
  // PS3.5 §7.3: big endian OW words are swapped to the little endian order the renderer reads.
  if (!littleEndian && vr === 'OW') frame.swap16();
  return { pixel, frame };
}
