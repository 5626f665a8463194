// DICOMweb (PS3.18) end to end with the `dicomweb-client` npm package as the client, against the
// embedded system: QIDO-RS answers equal C-FIND answers (DCMTK findscu) for the same keys,
// WADO-RS instance bytes equal the stored object, STOW-RS of a file is then found by C-FIND,
// and bad input (wrong media type, oversize, invalid UIDs, no token) gets a clear 4xx with
// nothing stored.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { readDataSet, readFileMetaInformation, type DataSet } from '@pacs/dicom';
import { waitFor, makeDataset, startPacsProcess, storeAndWaitIndexed, type PacsProcess } from '@pacs/testing';
import { run } from '../interop/support/processes';

const require = createRequire(import.meta.url);
// dicomweb-client uses XMLHttpRequest; xhr2 provides it in Node.
(globalThis as Record<string, unknown>)['XMLHttpRequest'] = require('xhr2');
type Json = Record<string, { vr: string; Value?: unknown[] }>;
interface DicomWebClient {
  searchForStudies(o?: { queryParams?: Record<string, string> }): Promise<Json[]>;
  searchForSeries(o?: { studyInstanceUID?: string; queryParams?: Record<string, string> }): Promise<Json[]>;
  searchForInstances(o?: { studyInstanceUID?: string; seriesInstanceUID?: string; queryParams?: Record<string, string> }): Promise<Json[]>;
  retrieveInstance(o: { studyInstanceUID: string; seriesInstanceUID: string; sopInstanceUID: string }): Promise<ArrayBuffer>;
  retrieveSeriesMetadata(o: { studyInstanceUID: string; seriesInstanceUID: string }): Promise<Json[]>;
  storeInstances(o: { datasets: ArrayBuffer[] }): Promise<unknown>;
  retrieveInstanceFrames(o: { studyInstanceUID: string; seriesInstanceUID: string; sopInstanceUID: string; frameNumbers: number[] }): Promise<ArrayBuffer[]>;
}
const { api } = require('dicomweb-client') as { api: { DICOMwebClient: new (o: { url: string; headers?: Record<string, string> }) => DicomWebClient } };

const TOKEN = 'dicomweb-e2e-admin-token-0123456789';
const SHAPE = { patients: 2, studiesPerPatient: 2, seriesPerStudy: 1, instancesPerSeries: 2, size: 8 };
const MAX_UPLOAD = 64 * 1024;

const k = (keys: Record<string, string>): string[] => Object.entries(keys).flatMap(([key, value]) => ['-k', value === '' ? key : `${key}=${value}`]);
const value = (j: Json, tag: string): unknown => j[tag]?.Value?.[0];

describe('DICOMweb (embedded, dicomweb-client)', () => {
  const work = mkdtempSync(join(tmpdir(), 'pacs-dicomweb-e2e-'));
  const generated = makeDataset(join(work, 'dataset'), SHAPE);
  const extra = makeDataset(join(work, 'stow'), { patients: 1, studiesPerPatient: 1, seriesPerStudy: 1, instancesPerSeries: 1, size: 8 });
  let pacs: PacsProcess;
  let http: number;
  let dicom: number;
  let client: DicomWebClient;
  const auth = { authorization: `Bearer ${TOKEN}` };
  const count = async (): Promise<number> =>
    ((await (await fetch(`http://127.0.0.1:${http}/api/statistics`, { headers: auth })).json()) as { instances: number }).instances;

  async function findscu(args: string[]): Promise<DataSet[]> {
    const out = mkdtempSync(join(work, 'find-'));
    const r = await run('findscu', ['-X', '-od', out, '-aet', 'VIEWER', '-aec', 'PACS', ...args, '127.0.0.1', String(dicom)]);
    assert.equal(r.code, 0, r.output);
    return readdirSync(out).sort().map((name) => {
      const bytes = readFileSync(join(out, name));
      const { meta, dataSetOffset } = readFileMetaInformation(bytes);
      return readDataSet(bytes.subarray(dataSetOffset), meta.transferSyntaxUid);
    });
  }

  before(async () => {
    pacs = startPacsProcess('all-in-one', { PACS_HTTP__AUTH__ENABLED: 'true', PACS_HTTP__AUTH__ADMINTOKEN: TOKEN, PACS_HTTP__MAXUPLOADBYTES: String(MAX_UPLOAD) });
    dicom = await pacs.listeningPort('DICOM');
    http = await pacs.listeningPort('HTTP');
    client = new api.DICOMwebClient({ url: `http://127.0.0.1:${http}/dicom-web`, headers: auth });
        await storeAndWaitIndexed(dicom, generated.map((g) => g.path), count);
  });
  after(async () => {
    await pacs?.stop('SIGKILL');
    rmSync(work, { recursive: true, force: true });
  });

  test('QIDO-RS studies equal C-FIND (findscu -S) for the same keys', async () => {
    const keys = { PatientID: 'PID*', StudyDate: '20260101-20261231' };
    const cfind = await findscu(['-S', ...k({ QueryRetrieveLevel: 'STUDY', ...keys, StudyInstanceUID: '', PatientName: '', NumberOfStudyRelatedInstances: '', ModalitiesInStudy: '' })]);
    const qido = await client.searchForStudies({ queryParams: keys });
    assert.ok(cfind.length > 0);
    const fromFind = cfind.map((m) => [m.getString(0x0020000d), m.getString(0x00100020), m.getString(0x00080020), m.getString(0x00201208), m.getString(0x00080061)].join('|')).sort();
    const fromQido = qido.map((j) => [value(j, '0020000D'), value(j, '00100020'), value(j, '00080020'), value(j, '00201208'), value(j, '00080061')].join('|')).sort();
    assert.deepEqual(fromQido, fromFind);
    assert.ok(qido.every((j) => String(value(j, '00081190')).includes('/dicom-web/studies/')), 'RetrieveURL');
  });

  test('QIDO-RS: case-insensitive PN with fuzzymatching, series of a study, instances, includefield, limit/offset', async () => {
    const fuzzy = await client.searchForStudies({ queryParams: { PatientName: 'test^patient0*', fuzzymatching: 'true' } });
    assert.equal(fuzzy.length, 2);
    const study = generated[0]!.studyInstanceUid;
    const series = await client.searchForSeries({ studyInstanceUID: study });
    assert.deepEqual(series.map((j) => value(j, '0020000E')), [generated[0]!.seriesInstanceUid]);
    const instances = await client.searchForInstances({ studyInstanceUID: study, seriesInstanceUID: generated[0]!.seriesInstanceUid, queryParams: { includefield: 'all' } });
    assert.deepEqual(instances.map((j) => value(j, '00080018')).sort(), generated.filter((g) => g.studyInstanceUid === study).map((g) => g.sopInstanceUid).sort());
    assert.ok(instances.every((j) => value(j, '00280010') !== undefined), 'includefield=all carries Rows');
    const page = await client.searchForStudies({ queryParams: { limit: '1', offset: '1' } });
    assert.equal(page.length, 1);
    const all = await client.searchForInstances({});
    assert.equal(all.length, generated.length);
  });

  test('WADO-RS: instance bytes equal the stored object; series metadata is DICOM JSON', async () => {
    const g = generated[1]!;
    const wado = Buffer.from(await client.retrieveInstance({ studyInstanceUID: g.studyInstanceUid, seriesInstanceUID: g.seriesInstanceUid, sopInstanceUID: g.sopInstanceUid }));
    const stored = Buffer.from(await (await fetch(`http://127.0.0.1:${http}/api/instances/${g.sopInstanceUid}/file`, { headers: auth })).arrayBuffer());
    assert.ok(wado.equals(stored), `WADO-RS ${wado.length} bytes, stored ${stored.length}`);
    assert.ok(stored.subarray(stored.length - g.dataSet.length).equals(g.dataSet), 'the data set as sent by storescu');
    const metadata = await client.retrieveSeriesMetadata({ studyInstanceUID: g.studyInstanceUid, seriesInstanceUID: g.seriesInstanceUid });
    assert.equal(metadata.length, 2);
    assert.ok(metadata.every((j) => value(j, '0020000D') === g.studyInstanceUid && value(j, '00280010') !== undefined));
    assert.ok(metadata.every((j) => String((j['7FE00010'] as unknown as { BulkDataURI?: string })?.BulkDataURI).endsWith('/bulkdata/7fe00010')));
  });

  test('WADO-RS frames of an uncompressed image: the Pixel Data bytes; a frame that does not exist → 404', async () => {
    const g = generated[2]!;
    const ids = { studyInstanceUID: g.studyInstanceUid, seriesInstanceUID: g.seriesInstanceUid, sopInstanceUID: g.sopInstanceUid };
    const [frame] = await client.retrieveInstanceFrames({ ...ids, frameNumbers: [1] });
    const length = SHAPE.size * SHAPE.size * 2;
    // makeDataset writes Pixel Data (16-bit, size × size) last.
    assert.ok(Buffer.from(frame!).equals(g.dataSet.subarray(g.dataSet.length - length)), 'frame 1 is the pixel data as sent');
    const res = await fetch(`http://127.0.0.1:${http}/dicom-web/studies/${g.studyInstanceUid}/series/${g.seriesInstanceUid}/instances/${g.sopInstanceUid}/frames/2`, { headers: auth });
    assert.equal(res.status, 404);
    const bad = await fetch(`http://127.0.0.1:${http}/dicom-web/studies/${g.studyInstanceUid}/series/${g.seriesInstanceUid}/instances/${g.sopInstanceUid}/frames/0`, { headers: auth });
    assert.equal(bad.status, 400);
  });

  test('STOW-RS of a file (dicomweb-client) → 200, then C-FIND finds it', async () => {
    const file = readFileSync(extra[0]!.path);
    await client.storeInstances({ datasets: [file.buffer.slice(file.byteOffset, file.byteOffset + file.length) as ArrayBuffer] });
    await waitFor('the STOW-RS instance indexed', async () => ((await count()) >= generated.length + 1 ? true : undefined));
    const found = await findscu(['-S', ...k({ QueryRetrieveLevel: 'IMAGE', StudyInstanceUID: extra[0]!.studyInstanceUid, SeriesInstanceUID: extra[0]!.seriesInstanceUid, SOPInstanceUID: '' })]);
    assert.deepEqual(found.map((m) => m.getString(0x00080018)), [extra[0]!.sopInstanceUid]);
  });

  test('STOW-RS answers: 409 with FailedSOPSequence when nothing is stored; 415, 413, 401 and bad UIDs change nothing', async () => {
    const before = await count();
    const boundary = 'b0undary';
    const body = Buffer.concat([Buffer.from(`--${boundary}\r\nContent-Type: application/dicom\r\n\r\n`), Buffer.from('not a dicom file at all'), Buffer.from(`\r\n--${boundary}--\r\n`)]);
    const url = `http://127.0.0.1:${http}/dicom-web/studies`;
    const headers = { ...auth, 'content-type': `multipart/related; type="application/dicom"; boundary=${boundary}` };
    const junk = await fetch(url, { method: 'POST', headers, body });
    assert.equal(junk.status, 409);
    const answer = (await junk.json()) as Json;
    assert.ok(answer['00081198']?.Value?.length === 1, JSON.stringify(answer));

    const wrongType = await fetch(url, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: '{}' });
    assert.equal(wrongType.status, 415);
    assert.match(wrongType.headers.get('content-type') ?? '', /problem\+json/);
    const big = Buffer.alloc(MAX_UPLOAD + 1, 0x41);
    assert.equal((await fetch(url, { method: 'POST', headers, body: big })).status, 413);
    const file = readFileSync(generated[0]!.path);
    const noToken = await fetch(url, { method: 'POST', headers: { 'content-type': headers['content-type'] }, body: Buffer.concat([Buffer.from(`--${boundary}\r\n\r\n`), file, Buffer.from(`\r\n--${boundary}--\r\n`)]) });
    assert.equal(noToken.status, 401);
    assert.equal((await fetch(`http://127.0.0.1:${http}/dicom-web/studies/1.2.x/series`, { headers: auth })).status, 400);
    assert.equal((await fetch(`http://127.0.0.1:${http}/dicom-web/studies/1.2.3.999/series/1.2.3/instances/1.2.3`, { headers: auth })).status, 404);
    assert.equal((await fetch(`http://127.0.0.1:${http}/dicom-web/studies?NotAKeyword=1`, { headers: auth })).status, 400);
    assert.equal(await count(), before);
  });
});
