// One very large CT-like instance (default 1 GiB of pixel data, 16384 x 32768 x 16 bit):
// the header is encoded by DCMTK's dump2dcm, the Pixel Data element is appended and its
// value streamed to disk block by block, so the generator never holds the image in memory.
import { execFileSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { once } from 'node:events';

export interface BigInstance {
  path: string;
  rows: number;
  columns: number;
  pixelBytes: number;
  fileBytes: number;
}

const BLOCK = 4 * 1024 * 1024;

/** Rows x columns of 16-bit pixels for `mib` MiB: both powers of two, columns = 2 x rows at most. */
export function shapeFor(mib: number): { rows: number; columns: number } {
  if (!Number.isInteger(Math.log2(mib)) || mib < 1 || mib > 2048) throw new RangeError(`--mib must be a power of two from 1 to 2048, got ${mib}`);
  const pixels = mib * 1024 * 512;
  const rows = 2 ** Math.floor(Math.log2(pixels) / 2);
  return { rows, columns: pixels / rows };
}

function header(rows: number, columns: number): string {
  const seed = `${Date.now()}${randomInt(1e6)}`;
  const uid = (kind: number): string => `2.25.${seed}${kind}`;
  return [
    '(0008,0008) CS [ORIGINAL\\PRIMARY\\AXIAL]',
    '(0008,0016) UI =CTImageStorage',
    `(0008,0018) UI [${uid(3)}]`,
    '(0008,0020) DA [20260101]',
    '(0008,0030) TM [120000]',
    '(0008,0050) SH [BIG0001]',
    '(0008,0060) CS [CT]',
    '(0008,1030) LO [Large instance benchmark]',
    '(0010,0010) PN [BENCH^LARGE]',
    '(0010,0020) LO [BIGPAT1]',
    '(0010,0030) DA [19700101]',
    '(0010,0040) CS [O]',
    '(0018,0015) CS [CHEST]',
    '(0018,0050) DS [1.0]',
    `(0020,000d) UI [${uid(1)}]`,
    `(0020,000e) UI [${uid(2)}]`,
    '(0020,0010) SH [1]',
    '(0020,0011) IS [1]',
    '(0020,0013) IS [1]',
    '(0020,0032) DS [-250\\-250\\0]',
    '(0020,0037) DS [1\\0\\0\\0\\1\\0]',
    `(0020,0052) UI [${uid(4)}]`,
    '(0028,0002) US 1',
    '(0028,0004) CS [MONOCHROME2]',
    `(0028,0010) US ${rows}`,
    `(0028,0011) US ${columns}`,
    '(0028,0030) DS [0.1\\0.1]',
    '(0028,0100) US 16',
    '(0028,0101) US 12',
    '(0028,0102) US 11',
    '(0028,0103) US 0',
    '(0028,1050) DS [40]',
    '(0028,1051) DS [400]',
    '(0028,1052) DS [-1024]',
    '(0028,1053) DS [1]',
    '',
  ].join('\n');
}

/** A block of 12-bit CT-like values (soft tissue around 1064 with noise), varied per block. */
function block(index: number): Buffer {
  const buf = Buffer.allocUnsafe(BLOCK);
  let s = (index * 2654435761) >>> 0 || 1;
  for (let i = 0; i < BLOCK; i += 2) {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    buf.writeUInt16LE(1000 + (s & 0x7f) + ((i >> 12) & 0x3f), i);
  }
  return buf;
}

/** Makes (or reuses) DIR/big-<mib>MiB.dcm. */
export async function ensureBigInstance(dir: string, mib: number): Promise<BigInstance> {
  const { rows, columns } = shapeFor(mib);
  const pixelBytes = rows * columns * 2;
  const path = join(dir, `big-${mib}MiB.dcm`);
  mkdirSync(dir, { recursive: true });
  if (!existsSync(path)) {
    const dump = join(dir, `big-${mib}MiB.dump`);
    const head = join(dir, `big-${mib}MiB.head.dcm`);
    writeFileSync(dump, header(rows, columns));
    execFileSync('dump2dcm', ['+te', dump, head]);
    const tmp = `${path}.part`;
    const out = createWriteStream(tmp);
    const { createReadStream } = await import('node:fs');
    for await (const chunk of createReadStream(head)) if (!out.write(chunk)) await once(out, 'drain');
    // (7FE0,0010) OW, explicit VR little endian: tag, VR, 2 reserved bytes, 32-bit length.
    const element = Buffer.alloc(12);
    element.writeUInt16LE(0x7fe0, 0);
    element.writeUInt16LE(0x0010, 2);
    element.write('OW', 4, 'latin1');
    element.writeUInt32LE(pixelBytes, 8);
    out.write(element);
    const variants = Array.from({ length: 8 }, (_, i) => block(i));
    for (let written = 0, i = 0; written < pixelBytes; written += BLOCK, i++) {
      const chunk = variants[i % variants.length]!;
      if (!out.write(pixelBytes - written < BLOCK ? chunk.subarray(0, pixelBytes - written) : chunk)) await once(out, 'drain');
    }
    out.end();
    await once(out, 'finish');
    renameSync(tmp, path);
  }
  return { path, rows, columns, pixelBytes, fileBytes: statSync(path).size };
}
