// Frames of an uncompressed image (PS3.18 §10.4.1.1.6 / §8.7.3.3.2): the Pixel Data of a
// native (uncompressed, little endian) object cut into frames of Rows × Columns × Samples ×
// BitsAllocated/8 bytes. Encapsulated (compressed) objects are refused: retrieve the instance.
import { readDataSet, readFileMetaInformation, TransferSyntaxUid } from '@pacs/dicom';

export class FrameError extends Error {
  override readonly name = 'FrameError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const NATIVE_LE = new Set<string>([TransferSyntaxUid.ImplicitVRLittleEndian, TransferSyntaxUid.ExplicitVRLittleEndian]);

/** "1,3,4" → [1, 3, 4] (1-based, PS3.18 §8.7.3.3.2); anything else is a FrameError 400. */
export function frameNumbers(list: string): number[] {
  const parts = list.split(',');
  if (parts.length > 10_000 || !parts.every((p) => /^[1-9]\d{0,8}$/.test(p))) throw new FrameError(400, `frame list ${JSON.stringify(list.slice(0, 40))}: comma-separated frame numbers from 1`);
  return parts.map(Number);
}

/** The Pixel Data of a stored Part 10 object, and its frame length. */
export function pixelData(object: Buffer): { pixels: Buffer; frameLength: number; frames: number } {
  const { meta, dataSetOffset } = readFileMetaInformation(object);
  if (!NATIVE_LE.has(meta.transferSyntaxUid)) {
    throw new FrameError(406, `stored in transfer syntax ${meta.transferSyntaxUid}: frames are served for uncompressed little-endian objects only; retrieve the instance instead`);
  }
  const ds = readDataSet(object.subarray(dataSetOffset), meta.transferSyntaxUid);
  const pixels = ds.getBytes(0x7fe00010);
  if (!pixels) throw new FrameError(404, 'the instance has no (native) Pixel Data');
  const rows = ds.getNumber(0x00280010) ?? 0;
  const columns = ds.getNumber(0x00280011) ?? 0;
  const samples = ds.getNumber(0x00280002) ?? 1;
  const bits = ds.getNumber(0x00280100) ?? 0;
  if (rows === 0 || columns === 0 || bits % 8 !== 0 || bits === 0) throw new FrameError(406, `frames of ${bits}-bit pixels (${rows}×${columns}) are not served`);
  const frameLength = rows * columns * samples * (bits / 8);
  const declared = Number(ds.getString(0x00280008)?.trim() || '1');
  const frames = Math.min(Number.isInteger(declared) && declared > 0 ? declared : 1, Math.floor(pixels.length / frameLength));
  return { pixels, frameLength, frames };
}
