// The attributes a frame is rendered from: PS3.3 C.7.6.3 Image Pixel, C.11.1 Modality LUT
// (Rescale Slope/Intercept) and C.11.2 VOI LUT (Window Center/Width, VOI LUT Function), read
// from a native (uncompressed) data set. Anything the renderer cannot draw is a RenderError.
import { TransferSyntaxUid, type DataSet } from '@pacs/dicom';

export class RenderError extends Error {
  override readonly name = 'RenderError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export type VoiLutFunction = 'LINEAR' | 'LINEAR_EXACT' | 'SIGMOID';

export interface VoiWindow {
  center: number;
  width: number;
  function: VoiLutFunction;
}

export interface ImagePixel {
  rows: number;
  columns: number;
  samplesPerPixel: 1 | 3;
  photometricInterpretation: 'MONOCHROME1' | 'MONOCHROME2' | 'RGB';
  bitsAllocated: 8 | 16;
  bitsStored: number;
  highBit: number;
  /** Pixel Representation (0028,0103): 0 unsigned, 1 two's complement. */
  pixelRepresentation: 0 | 1;
  /** 0: R1G1B1R2…, 1: RRR…GGG…BBB… (C.7.6.3.1.3). */
  planarConfiguration: 0 | 1;
  rescaleSlope: number;
  rescaleIntercept: number;
  /** The first Window Center/Width pair of the object, if any (C.11.2.1.2). */
  window?: VoiWindow;
  numberOfFrames: number;
}

/** Native transfer syntaxes; the data set reader hands their Pixel Data over little endian. */
export const RENDERABLE_TRANSFER_SYNTAXES: ReadonlySet<string> = new Set([
  TransferSyntaxUid.ImplicitVRLittleEndian, TransferSyntaxUid.ExplicitVRLittleEndian, TransferSyntaxUid.ExplicitVRBigEndian,
]);

const VOI_FUNCTIONS = new Set<string>(['LINEAR', 'LINEAR_EXACT', 'SIGMOID']);

const finite = (v: number | undefined): v is number => v !== undefined && Number.isFinite(v);

export function imagePixelOf(ds: DataSet): ImagePixel {
  const rows = ds.getNumber(0x00280010) ?? 0;
  const columns = ds.getNumber(0x00280011) ?? 0;
  const samples = ds.getNumber(0x00280002) ?? 1;
  const photometric = (ds.getString(0x00280004) ?? '').trim().toUpperCase();
  const bitsAllocated = ds.getNumber(0x00280100) ?? 0;
  const bitsStored = ds.getNumber(0x00280101) ?? bitsAllocated;
  const highBit = ds.getNumber(0x00280102) ?? bitsStored - 1;
  const pixelRepresentation = ds.getNumber(0x00280103) ?? 0;
  if (rows < 1 || columns < 1) throw new RenderError(406, `rendering needs Rows and Columns; the instance has ${rows}×${columns}`);
  let kind: Pick<ImagePixel, 'samplesPerPixel' | 'photometricInterpretation'>;
  if ((photometric === 'MONOCHROME1' || photometric === 'MONOCHROME2') && samples === 1) kind = { samplesPerPixel: 1, photometricInterpretation: photometric };
  else if (photometric === 'RGB' && samples === 3 && bitsAllocated === 8) kind = { samplesPerPixel: 3, photometricInterpretation: 'RGB' };
  else throw new RenderError(406, `rendering of Photometric Interpretation ${photometric || '(none)'} with ${samples} samples of ${bitsAllocated} bits not supported`);
  if (bitsAllocated !== 8 && bitsAllocated !== 16) throw new RenderError(406, `rendering of ${bitsAllocated}-bit pixels not supported`);
  if (bitsStored < 1 || bitsStored > bitsAllocated || highBit < bitsStored - 1 || highBit >= bitsAllocated) {
    throw new RenderError(406, `inconsistent Bits Stored ${bitsStored} / High Bit ${highBit} for ${bitsAllocated} bits allocated (PS3.5 §8.1.1)`);
  }
  const slope = ds.getNumber(0x00281053);
  const intercept = ds.getNumber(0x00281052);
  const centers = ds.getNumbers(0x00281050);
  const widths = ds.getNumbers(0x00281051);
  const fn = (ds.getString(0x00281056) ?? '').trim().toUpperCase();
  const center = centers?.[0];
  const width = widths?.[0];
  const declaredFrames = Number((ds.getString(0x00280008) ?? '').trim() || '1');
  const pixel: ImagePixel = {
    rows,
    columns,
    ...kind,
    bitsAllocated,
    bitsStored,
    highBit,
    pixelRepresentation: pixelRepresentation === 1 ? 1 : 0,
    planarConfiguration: ds.getNumber(0x00280006) === 1 ? 1 : 0,
    rescaleSlope: finite(slope) && slope !== 0 ? slope : 1,
    rescaleIntercept: finite(intercept) ? intercept : 0,
    numberOfFrames: Number.isInteger(declaredFrames) && declaredFrames > 0 ? declaredFrames : 1,
  };
  if (finite(center) && finite(width) && width > 0) pixel.window = { center, width, function: VOI_FUNCTIONS.has(fn) ? (fn as VoiLutFunction) : 'LINEAR' };
  return pixel;
}

/** Bytes of one frame (PS3.5 §8.1.1: frames follow each other without padding). */
export function frameLength(pixel: ImagePixel): number {
  return pixel.rows * pixel.columns * pixel.samplesPerPixel * (pixel.bitsAllocated / 8);
}
