// PS3.18 §8.3.5.1.3 viewport: the rendered image scaled to fit inside vw × vh, keeping its
// aspect ratio. Shrinking averages the source pixels under each target pixel (a box filter, so
// thumbnails do not alias); enlarging repeats pixels (nearest neighbour).
import type { RasterImage } from './png';

export function fittedSize(width: number, height: number, maxWidth: number, maxHeight: number): { width: number; height: number } {
  const scale = Math.min(maxWidth / width, maxHeight / height);
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

export function fitViewport(image: RasterImage, maxWidth: number, maxHeight: number): RasterImage {
  const { width: w, height: h } = fittedSize(image.width, image.height, maxWidth, maxHeight);
  if (w === image.width && h === image.height) return image;
  const { channels } = image;
  const pixels = new Uint8Array(w * h * channels);
  const sx = image.width / w;
  const sy = image.height / h;
  for (let y = 0; y < h; y++) {
    const y0 = Math.floor(y * sy);
    const y1 = Math.max(y0 + 1, Math.min(image.height, Math.floor((y + 1) * sy)));
    for (let x = 0; x < w; x++) {
      const x0 = Math.floor(x * sx);
      const x1 = Math.max(x0 + 1, Math.min(image.width, Math.floor((x + 1) * sx)));
      for (let c = 0; c < channels; c++) {
        let sum = 0;
        for (let yy = y0; yy < y1; yy++) for (let xx = x0; xx < x1; xx++) sum += image.pixels[(yy * image.width + xx) * channels + c] as number;
        pixels[(y * w + x) * channels + c] = Math.round(sum / ((y1 - y0) * (x1 - x0)));
      }
    }
  }
  return { width: w, height: h, channels, pixels };
}
