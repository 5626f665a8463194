// One frame to 8-bit display values, the grayscale pipeline of PS3.3 C.11 (Modality LUT →
// VOI LUT → presentation): stored values masked to Bits Stored and sign-extended (PS3.5 §8.1.1,
// C.7.6.3.1), Rescale Slope/Intercept (C.11.1.1.2), a window (C.11.2.1.2: LINEAR,
// LINEAR_EXACT, SIGMOID; without one the frame's own min/max), and MONOCHROME1 inverted
// (C.7.6.3.1.2: the minimum value is white). RGB frames are passed through, interleaved.
import type { RasterImage } from './png';
import { frameLength, RenderError, type ImagePixel, type VoiWindow } from './image-pixel';

/** Modality values (after rescale) of a monochrome frame, little endian input. */
export function modalityValues(pixel: ImagePixel, frame: Buffer): Float64Array {
  const count = pixel.rows * pixel.columns;
  const out = new Float64Array(count);
  const shift = pixel.highBit + 1 - pixel.bitsStored;
  const mask = pixel.bitsStored >= 32 ? 0xffffffff : (1 << pixel.bitsStored) - 1;
  const signBit = 1 << (pixel.bitsStored - 1);
  const { rescaleSlope: slope, rescaleIntercept: intercept } = pixel;
  const wide = pixel.bitsAllocated === 16;
  for (let i = 0; i < count; i++) {
    const raw = wide ? (frame[2 * i] as number) | ((frame[2 * i + 1] as number) << 8) : (frame[i] as number);
    let v = (raw >>> shift) & mask;
    if (pixel.pixelRepresentation === 1 && v & signBit) v -= mask + 1;
    out[i] = v * slope + intercept;
  }
  return out;
}

/** PS3.3 C.11.2.1.2 and C.11.2.1.3: a window as a function of x onto [0, 255]. */
export function voiFunction(window: VoiWindow): (x: number) => number {
  const { center: c, width: w } = window;
  switch (window.function) {
    case 'LINEAR_EXACT': {
      const low = c - w / 2;
      const high = c + w / 2;
      return (x) => (x <= low ? 0 : x > high ? 255 : ((x - c) / w + 0.5) * 255);
    }
    case 'SIGMOID':
      return (x) => 255 / (1 + Math.exp((-4 * (x - c)) / w));
    case 'LINEAR': {
      // C.11.2.1.2.1: width 1 is a threshold at center - 0.5.
      const low = c - 0.5 - (w - 1) / 2;
      const high = c - 0.5 + (w - 1) / 2;
      return (x) => (x <= low ? 0 : x > high ? 255 : w <= 1 ? 255 : ((x - (c - 0.5)) / (w - 1) + 0.5) * 255);
    }
  }
}

function frameWindow(values: Float64Array): VoiWindow {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (!Number.isFinite(min)) return { center: 0, width: 1, function: 'LINEAR_EXACT' };
  return { center: (min + max) / 2, width: Math.max(max - min, 1), function: 'LINEAR_EXACT' };
}

/**
 * Renders a frame: `window` (the request's) wins over the object's Window Center/Width; without
 * either, the frame's min/max span the display range.
 */
export function renderFrame(pixel: ImagePixel, frame: Buffer, window?: VoiWindow): RasterImage {
  if (frame.length < frameLength(pixel)) throw new RenderError(404, `the frame has ${frame.length} bytes; ${frameLength(pixel)} are needed`);
  const { rows: height, columns: width } = pixel;
  const count = width * height;
  if (pixel.photometricInterpretation === 'RGB') {
    if (pixel.planarConfiguration === 0) return { width, height, channels: 3, pixels: Uint8Array.from(frame.subarray(0, count * 3)) };
    const pixels = new Uint8Array(count * 3);
    for (let i = 0; i < count; i++) {
      pixels[3 * i] = frame[i] as number;
      pixels[3 * i + 1] = frame[count + i] as number;
      pixels[3 * i + 2] = frame[2 * count + i] as number;
    }
    return { width, height, channels: 3, pixels };
  }
  const values = modalityValues(pixel, frame);
  const voi = voiFunction(window ?? pixel.window ?? frameWindow(values));
  const invert = pixel.photometricInterpretation === 'MONOCHROME1';
  const pixels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const y = Math.round(voi(values[i] as number));
    const clamped = y < 0 ? 0 : y > 255 ? 255 : y;
    pixels[i] = invert ? 255 - clamped : clamped;
  }
  return { width, height, channels: 1, pixels };
}
