import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DataSet } from '@pacs/dicom';
import { fitViewport, fittedSize } from './fit-viewport';
import { imagePixelOf, RenderError, type ImagePixel } from './image-pixel';
import { renderFrame, voiFunction } from './render-frame';

const mono = (over: Partial<ImagePixel> = {}): ImagePixel => ({
  rows: 1, columns: 4, samplesPerPixel: 1, photometricInterpretation: 'MONOCHROME2', bitsAllocated: 16, bitsStored: 16, highBit: 15,
  pixelRepresentation: 0, planarConfiguration: 0, rescaleSlope: 1, rescaleIntercept: 0, numberOfFrames: 1, ...over,
});

const u16 = (...values: number[]): Buffer => {
  const b = Buffer.alloc(values.length * 2);
  values.forEach((v, i) => (v < 0 ? b.writeInt16LE(v, i * 2) : b.writeUInt16LE(v, i * 2)));
  return b;
};

describe('rendering a frame (PS3.3 C.11 grayscale pipeline)', () => {
  test('C.11.2.1.2.1 LINEAR: center 40 width 400 → -160 black, 240 white, 40 mid grey', () => {
    const f = voiFunction({ center: 40, width: 400, function: 'LINEAR' });
    assert.equal(f(-161), 0);
    assert.equal(f(241), 255);
    assert.equal(Math.round(f(40)), 128);
  });

  test('C.11.2.1.3.2 LINEAR_EXACT and SIGMOID at the center are half way', () => {
    assert.equal(voiFunction({ center: 100, width: 50, function: 'LINEAR_EXACT' })(100), 127.5);
    assert.equal(voiFunction({ center: 100, width: 50, function: 'SIGMOID' })(100), 127.5);
    assert.equal(voiFunction({ center: 100, width: 50, function: 'LINEAR_EXACT' })(75), 0);
  });

  test('the object window is used; a request window wins over it', () => {
    const pixel = mono({ window: { center: 1000, width: 1000, function: 'LINEAR_EXACT' } });
    const frame = u16(0, 500, 1000, 1500);
    assert.deepEqual([...renderFrame(pixel, frame).pixels], [0, 0, 128, 255]);
    assert.deepEqual([...renderFrame(pixel, frame, { center: 750, width: 1500, function: 'LINEAR_EXACT' }).pixels], [0, 85, 170, 255]);
  });

  test('no window: the frame min/max span black to white', () => {
    assert.deepEqual([...renderFrame(mono(), u16(100, 200, 300, 400)).pixels], [0, 85, 170, 255]);
  });

  test('C.11.1.1.2 rescale: signed stored values × slope + intercept before the window (CT HU)', () => {
    // Stored -1000..1000 with slope 1, intercept -1024 → -2024..-24 HU; window -1024±500 (lung).
    const pixel = mono({ pixelRepresentation: 1, rescaleIntercept: -1024, window: { center: -1024, width: 1000, function: 'LINEAR_EXACT' } });
    assert.deepEqual([...renderFrame(pixel, u16(-1000, 0, 500, 1000)).pixels], [0, 128, 255, 255]);
    const sloped = mono({ rescaleSlope: 2, rescaleIntercept: 10, window: { center: 110, width: 200, function: 'LINEAR_EXACT' } });
    assert.deepEqual([...renderFrame(sloped, u16(0, 50, 100, 105)).pixels], [0, 128, 255, 255]);
  });

  test('12 bits stored in 16: bits above High Bit are masked, sign extended from bit 11', () => {
    const pixel = mono({ bitsStored: 12, highBit: 11, pixelRepresentation: 1, window: { center: 0, width: 4096, function: 'LINEAR_EXACT' } });
    // 0xF800 = overlay bits set + -2048 in 12 bits; 0x07FF = 2047.
    assert.deepEqual([...renderFrame(pixel, u16(0xf800, 0x07ff, 0x0000, 0xf000)).pixels], [0, 255, 128, 128]);
  });

  test('C.7.6.3.1.2 MONOCHROME1: the minimum is white', () => {
    const pixel = mono({ photometricInterpretation: 'MONOCHROME1', bitsAllocated: 8, bitsStored: 8, highBit: 7 });
    assert.deepEqual([...renderFrame(pixel, Buffer.from([0, 85, 170, 255])).pixels], [255, 170, 85, 0]);
  });

  test('RGB: planar configuration 0 passes through, 1 is interleaved', () => {
    const rgb = mono({ samplesPerPixel: 3, photometricInterpretation: 'RGB', bitsAllocated: 8, bitsStored: 8, highBit: 7, columns: 2 });
    const interleaved = Buffer.from([1, 2, 3, 4, 5, 6]);
    assert.deepEqual([...renderFrame(rgb, interleaved).pixels], [1, 2, 3, 4, 5, 6]);
    const planar = Buffer.from([1, 4, 2, 5, 3, 6]);
    const out = renderFrame({ ...rgb, planarConfiguration: 1 }, planar);
    assert.equal(out.channels, 3);
    assert.deepEqual([...out.pixels], [1, 2, 3, 4, 5, 6]);
  });

  test('imagePixelOf reads C.7.6.3 and C.11 attributes; the first of several windows; unsupported photometric → 406', () => {
    const ds = new DataSet();
    ds.setNumbers(0x00280010, 2, 'US').setNumbers(0x00280011, 3, 'US').setNumbers(0x00280002, 1, 'US').setStrings(0x00280004, 'MONOCHROME2', 'CS');
    ds.setNumbers(0x00280100, 16, 'US').setNumbers(0x00280101, 12, 'US').setNumbers(0x00280102, 11, 'US').setNumbers(0x00280103, 1, 'US');
    ds.setStrings(0x00281050, ['40', '300'], 'DS').setStrings(0x00281051, ['400', '1500'], 'DS').setStrings(0x00281052, '-1024', 'DS').setStrings(0x00281053, '1', 'DS');
    const pixel = imagePixelOf(ds);
    assert.deepEqual(pixel.window, { center: 40, width: 400, function: 'LINEAR' });
    assert.equal(pixel.rescaleIntercept, -1024);
    assert.equal(pixel.pixelRepresentation, 1);
    ds.setStrings(0x00280004, 'YBR_FULL_422', 'CS');
    assert.throws(() => imagePixelOf(ds), (e: unknown) => e instanceof RenderError && e.status === 406 && /YBR_FULL_422/.test(e.message));
  });

  test('viewport: fit inside keeping the aspect; shrinking averages', () => {
    assert.deepEqual(fittedSize(512, 256, 128, 128), { width: 128, height: 64 });
    assert.deepEqual(fittedSize(100, 400, 128, 128), { width: 32, height: 128 });
    const image = { width: 4, height: 2, channels: 1 as const, pixels: Uint8Array.from([0, 100, 200, 200, 0, 100, 50, 50]) };
    assert.deepEqual(fitViewport(image, 2, 2), { width: 2, height: 1, channels: 1, pixels: Uint8Array.from([50, 125]) });
  });
});
