// Rendered images end to end (PS3.18 §10.4.1.1.3 "Retrieve Rendered", image/png) on the
// embedded system: a 16-bit CT frame windowed as asked (PS3.3 C.11.2) and fitted to a viewport,
// an RGB frame with planar configuration 1 (C.7.6.3.1.3), the series thumbnail of the web UI,
// and clear 4xx answers (RLE-compressed object → 406, bad viewport/window → 400).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { inflateSync } from 'node:zlib';
import { DataSet, encodePart10, generateUid, writeDataSet } from '@pacs/dicom';
import { makeDataset, startPacsProcess, type PacsProcess } from '@pacs/testing';
import { run } from '../interop/support/processes';

const SIZE = 16;
const SECONDARY_CAPTURE = '1.2.840.10008.5.1.4.1.1.7';
const EXPLICIT_LE = '1.2.840.10008.1.2.1';
/** 4×2 RGB: red, green, blue, white / black, grey, yellow, cyan. */
const RGB = [[255, 0, 0], [0, 255, 0], [0, 0, 255], [255, 255, 255], [0, 0, 0], [128, 128, 128], [255, 255, 0], [0, 255, 255]] as const;

/** Reads an 8-bit greyscale or RGB PNG (IHDR, IDAT with filter type 0 rows, IEND). */
function readPng(png: Buffer): { width: number; height: number; channels: number; pixels: Buffer } {
  assert.equal(png.subarray(1, 4).toString('latin1'), 'PNG');
  let pos = 8;
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat: Buffer[] = [];
  for (;;) {
    const length = png.readUInt32BE(pos);
    const type = png.subarray(pos + 4, pos + 8).toString('latin1');
    const data = png.subarray(pos + 8, pos + 8 + length);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      channels = data[9] === 2 ? 3 : 1;
    }
    if (type === 'IDAT') idat.push(data);
    pos += 12 + length;
    if (type === 'IEND') break;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  assert.equal(raw.length, (stride + 1) * height);
  const rows = Array.from({ length: height }, (_, y) => {
    assert.equal(raw[y * (stride + 1)], 0);
    return raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
  });
  return { width, height, channels, pixels: Buffer.concat(rows) };
}

function writeRgbInstance(path: string): { studyInstanceUid: string; seriesInstanceUid: string; sopInstanceUid: string } {
  const uids = { studyInstanceUid: generateUid(), seriesInstanceUid: generateUid(), sopInstanceUid: generateUid() };
  const planar = Buffer.from([0, 1, 2].flatMap((c) => RGB.map((p) => p[c] as number)));
  const ds = new DataSet()
    .setStrings(0x00080016, SECONDARY_CAPTURE)
    .setStrings(0x00080018, uids.sopInstanceUid)
    .setStrings(0x00080060, 'OT')
    .setStrings(0x00100010, 'RENDER^RGB')
    .setStrings(0x00100020, 'RGB0001')
    .setStrings(0x0020000d, uids.studyInstanceUid)
    .setStrings(0x0020000e, uids.seriesInstanceUid)
    .setStrings(0x00200013, '1')
    .setNumbers(0x00280002, 3)
    .setStrings(0x00280004, 'RGB')
    .setNumbers(0x00280006, 1)
    .setNumbers(0x00280010, 2)
    .setNumbers(0x00280011, 4)
    .setNumbers(0x00280100, 8)
    .setNumbers(0x00280101, 8)
    .setNumbers(0x00280102, 7)
    .setNumbers(0x00280103, 0)
    .setBytes(0x7fe00010, 'OB', planar);
  writeFileSync(path, encodePart10({ mediaStorageSopClassUid: SECONDARY_CAPTURE, mediaStorageSopInstanceUid: uids.sopInstanceUid, transferSyntaxUid: EXPLICIT_LE } as Parameters<typeof encodePart10>[0], writeDataSet(ds, EXPLICIT_LE)));
  return uids;
}

describe('rendered images (embedded)', () => {
  const work = mkdtempSync(join(tmpdir(), 'pacs-rendered-e2e-'));
  const ct = makeDataset(join(work, 'ct'), { patients: 1, studiesPerPatient: 1, seriesPerStudy: 1, instancesPerSeries: 3, size: SIZE });
  const rgbPath = join(work, 'rgb.dcm');
  const rgb = writeRgbInstance(rgbPath);
  const rleSource = makeDataset(join(work, 'rle-source'), { patients: 1, studiesPerPatient: 1, seriesPerStudy: 1, instancesPerSeries: 1, size: SIZE })[0]!;
  const rlePath = join(work, 'rle.dcm');
  let pacs: PacsProcess;
  let http: number;
  const get = (path: string, accept?: string) => fetch(`http://127.0.0.1:${http}${path}`, accept ? { headers: { accept } } : {});
  const png = async (path: string): Promise<ReturnType<typeof readPng>> => {
    const res = await get(path);
    const body = Buffer.from(await res.arrayBuffer());
    assert.equal(res.status, 200, body.toString());
    assert.equal(res.headers.get('content-type'), 'image/png');
    return readPng(body);
  };
  const url = (i: { studyInstanceUid: string; seriesInstanceUid: string; sopInstanceUid: string }) =>
    `/dicom-web/studies/${i.studyInstanceUid}/series/${i.seriesInstanceUid}/instances/${i.sopInstanceUid}`;

  before(async () => {
    const compressed = await run('dcmcrle', [rleSource.path, rlePath]);
    assert.equal(compressed.code, 0, compressed.output);
    pacs = startPacsProcess('all-in-one');
    const dicom = await pacs.listeningPort('DICOM');
    http = await pacs.listeningPort('HTTP');
    const r = await run('storescu', ['-aec', 'PACS', '127.0.0.1', String(dicom), ...ct.map((g) => g.path), rgbPath], { timeoutMs: 120_000 });
    assert.equal(r.code, 0, r.output);
    const rle = await run('storescu', ['-xr', '-aec', 'PACS', '127.0.0.1', String(dicom), rlePath]);
    assert.equal(rle.code, 0, rle.output);
    const deadline = Date.now() + 60_000;
    while ((((await (await get('/api/statistics')).json()) as { instances: number }).instances) < ct.length + 2) {
      if (Date.now() > deadline) throw new Error('instances not indexed');
      await new Promise((res) => setTimeout(res, 200));
    }
  });
  after(async () => {
    await pacs?.stop('SIGKILL');
    rmSync(work, { recursive: true, force: true });
  });

  test('16-bit CT, window=2048,4096,linear-exact → each pixel is stored × 255 / 4096 (C.11.2.1.3.2)', async () => {
    const image = await png(`${url(ct[0]!)}/rendered?window=2048,4096,linear-exact`);
    assert.deepEqual([image.width, image.height, image.channels], [SIZE, SIZE, 1]);
    // makeDataset's pixel k is (2k × 7919) mod 4096 (12 bits stored).
    const expected = Array.from({ length: SIZE * SIZE }, (_, k) => Math.round((((2 * k * 7919) % 4096) * 255) / 4096));
    assert.deepEqual([...image.pixels], expected);
  });

  test('no window in the object or the request: the frame min is black and its max white; frames/1/rendered is the same', async () => {
    const image = await png(`${url(ct[1]!)}/rendered`);
    const values = Array.from({ length: SIZE * SIZE }, (_, k) => (2 * k * 7919) % 4096);
    assert.equal(image.pixels[values.indexOf(Math.min(...values))], 0);
    assert.equal(image.pixels[values.indexOf(Math.max(...values))], 255);
    const frame = await png(`${url(ct[1]!)}/frames/1/rendered`);
    assert.ok(frame.pixels.equals(image.pixels));
  });

  test('viewport=8,4 → fitted inside, aspect kept (4×4)', async () => {
    const image = await png(`${url(ct[0]!)}/rendered?viewport=8,4`);
    assert.deepEqual([image.width, image.height], [4, 4]);
  });

  test('RGB with planar configuration 1 → interleaved truecolour PNG with the same colours', async () => {
    const image = await png(`${url(rgb)}/rendered`);
    assert.deepEqual([image.width, image.height, image.channels], [4, 2, 3]);
    assert.deepEqual([...image.pixels], RGB.flat());
  });

  test('series thumbnail: fitted into 128×128 (16×16 CT → 128×128, 4×2 RGB → 128×64)', async () => {
    const thumb = await png(`/api/series/${ct[0]!.seriesInstanceUid}/thumbnail`);
    assert.deepEqual([thumb.width, thumb.height, thumb.channels], [128, 128, 1]);
    const rgbThumb = await png(`/api/series/${rgb.seriesInstanceUid}/thumbnail`);
    assert.deepEqual([rgbThumb.width, rgbThumb.height, rgbThumb.channels], [128, 64, 3]);
    assert.equal((await get('/api/series/1.2.3.999/thumbnail')).status, 404);
  });

  test('compressed (RLE) → 406 naming the transfer syntax; bad viewport/window/frame → 400; other Accept → 406; unknown → 404', async () => {
    const problems: [string, number, RegExp][] = [
      [`${url(rleSource)}/rendered`, 406, /rendering of 1\.2\.840\.10008\.1\.2\.5 not supported/],
      [`${url(ct[0]!)}/rendered?viewport=0,10`, 400, /viewport/],
      [`${url(ct[0]!)}/rendered?viewport=10`, 400, /viewport/],
      [`${url(ct[0]!)}/rendered?window=40,0`, 400, /window/],
      [`${url(ct[0]!)}/rendered?window=40,400,cubic`, 400, /window/],
      [`${url(ct[0]!)}/frames/0/rendered`, 400, /frame/],
      [`${url(ct[0]!)}/frames/2/rendered`, 404, /frame 2 does not exist/],
      [`${url({ ...ct[0]!, sopInstanceUid: '1.2.3.999' })}/rendered`, 404, /no instance/],
    ];
    for (const [path, status, detail] of problems) {
      const res = await get(path);
      assert.equal(res.status, status, path);
      assert.match(res.headers.get('content-type') ?? '', /application\/problem\+json/);
      assert.match(((await res.json()) as { detail: string }).detail, detail, path);
    }
    assert.equal((await get(`${url(ct[0]!)}/rendered`, 'image/jpeg')).status, 406);
  });
});
