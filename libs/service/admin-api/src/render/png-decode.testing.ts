// A minimal PNG reader for tests (8-bit greyscale/truecolour, filter type 0 written by
// encodePng; other filters refused): checks the signature and every chunk's CRC, inflates IDAT.
import { inflateSync } from 'node:zlib';
import { crc32, type RasterImage } from './png';

export function decodePng(png: Buffer): RasterImage {
  if (!png.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) throw new Error('not a PNG signature');
  let pos = 8;
  let width = 0;
  let height = 0;
  let channels: 1 | 3 = 1;
  const idat: Buffer[] = [];
  let ended = false;
  while (pos < png.length) {
    const length = png.readUInt32BE(pos);
    const type = png.subarray(pos + 4, pos + 8);
    const data = png.subarray(pos + 8, pos + 8 + length);
    if (png.readUInt32BE(pos + 8 + length) !== crc32(type, data)) throw new Error(`bad CRC in ${type.toString('latin1')}`);
    const name = type.toString('latin1');
    if (name === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      if (data[8] !== 8) throw new Error('bit depth is not 8');
      channels = data[9] === 0 ? 1 : data[9] === 2 ? 3 : (() => { throw new Error(`colour type ${data[9]}`); })();
    } else if (name === 'IDAT') idat.push(data);
    else if (name === 'IEND') ended = true;
    pos += 12 + length;
  }
  if (!ended) throw new Error('no IEND');
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  if (raw.length !== (stride + 1) * height) throw new Error(`IDAT inflates to ${raw.length} bytes, ${(stride + 1) * height} expected`);
  const pixels = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    if (raw[y * (stride + 1)] !== 0) throw new Error(`filter type ${raw[y * (stride + 1)]} on row ${y}`);
    pixels.set(raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1)), y * stride);
  }
  return { width, height, channels, pixels };
}
