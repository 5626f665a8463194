import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DataSet, encodePart10, TransferSyntaxUid, writeDataSet } from '@pacs/dicom';
import { RenderError } from './image-pixel';
import { readStoredFrame } from './stored-frame';

const ROWS = 3;
const COLUMNS = 5;
const FRAMES = 4;

/** Frame f (1-based), pixel k holds (1000·f + k) mod 65536, 16-bit little endian. */
function pixelData(frames = FRAMES): Buffer {
  const b = Buffer.alloc(ROWS * COLUMNS * 2 * frames);
  for (let f = 0; f < frames; f++) for (let k = 0; k < ROWS * COLUMNS; k++) b.writeUInt16LE((1000 * (f + 1) + k) % 65536, (f * ROWS * COLUMNS + k) * 2);
  return b;
}

function object(transferSyntaxUid: string, pixels = pixelData(), frames = FRAMES): Buffer {
  const ds = new DataSet()
    .setStrings(0x00080016, '1.2.840.10008.5.1.4.1.1.7')
    .setStrings(0x00080018, '1.2.3.4')
    .setStrings(0x00280008, String(frames))
    .setNumbers(0x00280002, 1)
    .setStrings(0x00280004, 'MONOCHROME2')
    .setNumbers(0x00280010, ROWS)
    .setNumbers(0x00280011, COLUMNS)
    .setNumbers(0x00280100, 16)
    .setNumbers(0x00280101, 16)
    .setNumbers(0x00280102, 15)
    .setNumbers(0x00280103, 0)
    .setBytes(0x7fe00010, 'OW', pixels)
    .setBytes(0xfffcfffc, 'OB', Buffer.alloc(6));
  const meta = { mediaStorageSopClassUid: '1.2.840.10008.5.1.4.1.1.7', mediaStorageSopInstanceUid: '1.2.3.4', transferSyntaxUid } as Parameters<typeof encodePart10>[0];
  return encodePart10(meta, writeDataSet(ds, transferSyntaxUid));
}

/** The object as a stream of `size`-byte chunks, and how many chunks were pulled from it. */
function chunked(bytes: Buffer, size: number): { source: AsyncIterable<Buffer>; pulled: () => number } {
  let pulled = 0;
  return {
    source: (async function* () {
      for (let i = 0; i < bytes.length; i += size) {
        pulled++;
        yield bytes.subarray(i, i + size);
      }
    })(),
    pulled: () => pulled,
  };
}

const values = (frame: Buffer) => Array.from({ length: frame.length / 2 }, (_, i) => frame.readUInt16LE(2 * i));
const expected = (f: number) => Array.from({ length: ROWS * COLUMNS }, (_, k) => 1000 * f + k);

describe('reading one frame from the storage stream', () => {
  for (const [name, ts] of [
    ['Implicit VR Little Endian', TransferSyntaxUid.ImplicitVRLittleEndian],
    ['Explicit VR Little Endian', TransferSyntaxUid.ExplicitVRLittleEndian],
    ['Explicit VR Big Endian (OW swapped back)', TransferSyntaxUid.ExplicitVRBigEndian],
  ] as const) {
    test(`${name}: frames 1 and 3 of 4, in 7-byte chunks`, async () => {
      const bytes = object(ts);
      const first = await readStoredFrame(chunked(bytes, 7).source, 1);
      assert.equal(first.pixel.numberOfFrames, FRAMES);
      assert.deepEqual(values(first.frame), expected(1));
      assert.deepEqual(values((await readStoredFrame(chunked(bytes, 7).source, 3)).frame), expected(3));
    });
  }

  test('the stream is read only up to the end of the wanted frame', async () => {
    // 10,000 frames of 30 bytes: 300 kB, of which the first read (64 KiB) and frame 2 are needed.
    const bytes = object(TransferSyntaxUid.ExplicitVRLittleEndian, pixelData(10_000), 10_000);
    const stream = chunked(bytes, 1000);
    assert.deepEqual(values((await readStoredFrame(stream.source, 2)).frame), expected(2));
    assert.ok(stream.pulled() * 1000 < bytes.length / 2, `pulled ${stream.pulled() * 1000} of ${bytes.length} bytes`);
  });

  test('a frame past the end → 404; a compressed transfer syntax → 406 naming it', async () => {
    await assert.rejects(readStoredFrame(chunked(object(TransferSyntaxUid.ExplicitVRLittleEndian), 64).source, 5), (e: unknown) => e instanceof RenderError && e.status === 404);
    const rle = object(TransferSyntaxUid.ExplicitVRLittleEndian);
    const asRle = Buffer.from(rle.toString('latin1').replace('1.2.840.10008.1.2.1\0', '1.2.840.10008.1.2.5\0'), 'latin1');
    await assert.rejects(readStoredFrame(chunked(asRle, 64).source, 1), (e: unknown) => e instanceof RenderError && e.status === 406 && /rendering of 1\.2\.840\.10008\.1\.2\.5 not supported/.test(e.message));
  });

  test('Pixel Data shorter than declared frames: only whole frames exist', async () => {
    const short = pixelData().subarray(0, ROWS * COLUMNS * 2 * 2);
    await assert.rejects(readStoredFrame(chunked(object(TransferSyntaxUid.ExplicitVRLittleEndian, short), 64).source, 3), /frame 3 does not exist; the instance has 2/);
  });
});
