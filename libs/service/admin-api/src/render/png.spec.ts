import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { crc32, encodePng } from './png';
import { decodePng } from './png-decode.testing';

describe('PNG encoder', () => {
  test('CRC-32 of "IEND" is the one every PNG ends with (AE 42 60 82)', () => {
    assert.equal(crc32(Buffer.from('IEND', 'latin1')), 0xae426082);
  });

  test('greyscale 3×2 → inflated back to the same pixels, IHDR colour type 0', () => {
    const pixels = Uint8Array.from([0, 1, 2, 253, 254, 255]);
    const png = encodePng({ width: 3, height: 2, channels: 1, pixels });
    assert.equal(png.subarray(12, 16).toString('latin1'), 'IHDR');
    assert.equal(png[25], 0);
    assert.deepEqual(decodePng(png), { width: 3, height: 2, channels: 1, pixels });
  });

  test('RGB 2×2 → colour type 2, the same pixels', () => {
    const pixels = Uint8Array.from([255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30]);
    const png = encodePng({ width: 2, height: 2, channels: 3, pixels });
    assert.equal(png[25], 2);
    assert.deepEqual(decodePng(png), { width: 2, height: 2, channels: 3, pixels });
  });

  test('a pixel buffer of the wrong size is refused', () => {
    assert.throws(() => encodePng({ width: 2, height: 2, channels: 1, pixels: new Uint8Array(3) }), RangeError);
  });
});
