// C-FIND answers agree with Orthanc (issue 6): the same instances are sent with storescu to
// Orthanc (Debian's 1.10, default SQLite index) and to our archive (embedded mode), then the
// same findscu queries go to both and the matches are compared as sorted tuples of the
// requested return keys, after trimming DICOM padding.
//
// What is compared, per query: the number of matches and every requested key's value. Known
// differences between the two servers are not hidden; they are listed here and left out of
// the comparison only where named:
// - Character sets: Orthanc answers in its DefaultEncoding (Latin1 by default, which drops the
//   ideographic group of "Wang^XiaoDong=王^小東"), ours in the stored character set. Orthanc is
//   set to UTF-8 here; both then decode to the same text, which is what is compared
//   (DataSet.getStrings decodes per PS3.5 §6.1).
// - Orthanc limits the number of answers by default (LimitFindResults); the limit is lifted.
// Computed keys (Number of ... Related ..., Modalities in Study) are compared like the others.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { readDataSet, readFileMetaInformation, type DataSet } from '@pacs/dicom';
import { makeDataset, startPacsProcess, type PacsProcess } from '@pacs/testing';
import { freePort, run, startDaemon, type Daemon } from '../interop/support/processes';
import { namedInstances } from './qr-dataset';

const SHAPE = { patients: 3, studiesPerPatient: 2, seriesPerStudy: 2, instancesPerSeries: 2, size: 8 };

/** Keyword → tag of the keys the queries use (PS3.6). */
const TAGS: Record<string, number> = {
  PatientName: 0x00100010, PatientID: 0x00100020, PatientSex: 0x00100040, PatientBirthDate: 0x00100030,
  NumberOfPatientRelatedStudies: 0x00201200,
  StudyInstanceUID: 0x0020000d, StudyDate: 0x00080020, AccessionNumber: 0x00080050, StudyDescription: 0x00081030, StudyID: 0x00200010,
  ModalitiesInStudy: 0x00080061, NumberOfStudyRelatedSeries: 0x00201206, NumberOfStudyRelatedInstances: 0x00201208,
  SeriesInstanceUID: 0x0020000e, SeriesNumber: 0x00200011, Modality: 0x00080060, SeriesDescription: 0x0008103e,
  NumberOfSeriesRelatedInstances: 0x00201209,
  SOPInstanceUID: 0x00080018, SOPClassUID: 0x00080016, InstanceNumber: 0x00200013,
};

interface Query {
  name: string;
  /** findscu information model option: -S study root, -P patient root. */
  model: '-S' | '-P';
  level: 'PATIENT' | 'STUDY' | 'SERIES' | 'IMAGE';
  /** Matching keys (value given) and return keys (''). */
  keys: Record<string, string>;
}

interface Server {
  name: string;
  aeTitle: string;
  port: number;
}

let work: string;
let orthanc: Daemon;
let pacs: PacsProcess;
let servers: Server[];
let studyUid: string;
let seriesUid: string;
let twoStudies: string[];

async function storescu(server: Server, files: string[]): Promise<void> {
  const r = await run('storescu', ['-aet', 'MODALITY', '-aec', server.aeTitle, '127.0.0.1', String(server.port), ...files], { timeoutMs: 120_000 });
  assert.equal(r.code, 0, `${server.name}: ${r.output}`);
}

async function findscu(server: Server, query: Query): Promise<DataSet[]> {
  const out = mkdtempSync(join(work, 'find-'));
  const keys = [`QueryRetrieveLevel=${query.level}`, ...Object.entries(query.keys).map(([k, v]) => (v === '' ? k : `${k}=${v}`))];
  const r = await run('findscu', ['-X', '-od', out, query.model, '-aet', 'VIEWER', '-aec', server.aeTitle, ...keys.flatMap((k) => ['-k', k]), '127.0.0.1', String(server.port)]);
  assert.equal(r.code, 0, `${server.name} ${query.name}: ${r.output}`);
  return readdirSync(out).sort().map((file) => {
    const bytes = readFileSync(join(out, file));
    const { meta, dataSetOffset } = readFileMetaInformation(bytes);
    return readDataSet(bytes.subarray(dataSetOffset), meta.transferSyntaxUid);
  });
}

/** The requested keys of every match, padding trimmed, multi-values sorted, matches sorted. */
function tuples(matches: DataSet[], query: Query): string[] {
  return matches
    .map((m) =>
      Object.keys(query.keys)
        .map((k) => {
          const tag = TAGS[k];
          assert.ok(tag !== undefined, `no tag for ${k}`);
          const values = (m.getStrings(tag) ?? []).map((v) => v.trim());
          return `${k}=${values.sort().join('\\')}`;
        })
        .join(' | '),
    )
    .sort();
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 600; i++) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'pacs-orthanc-agreement-'));
  const data = join(work, 'data');
  const generated = makeDataset(data, SHAPE);
  const { wang } = namedInstances(data);
  const files = [...generated.map((g) => g.path), wang.path];
  studyUid = generated[0]!.studyInstanceUid;
  seriesUid = generated[0]!.seriesInstanceUid;
  twoStudies = [generated[0]!.studyInstanceUid, generated.at(-1)!.studyInstanceUid];

  const orthancPort = await freePort();
  const orthancDir = join(work, 'orthanc');
  mkdirSync(join(orthancDir, 'storage'), { recursive: true });
  writeFileSync(join(orthancDir, 'orthanc.json'), JSON.stringify({
    Name: 'agreement', StorageDirectory: join(orthancDir, 'storage'), IndexDirectory: orthancDir,
    HttpServerEnabled: false, DicomServerEnabled: true, DicomAet: 'ORTHANC', DicomPort: orthancPort, DicomCheckCalledAet: false,
    DicomAlwaysAllowStore: true, DicomAlwaysAllowFind: true, DicomAlwaysAllowEcho: true, DicomCheckModalityHost: false,
    // Orthanc's default limits would cut answers; both servers answer everything here.
    LimitFindResults: 0, LimitFindInstances: 0, CaseSensitivePN: false,
    // Orthanc encodes answers in DefaultEncoding (Latin1 unless set), which cannot hold the
    // ideographic name; ours answers in the stored character set. UTF-8 holds both.
    DefaultEncoding: 'Utf8',
  }));
  orthanc = await startDaemon('Orthanc', [join(orthancDir, 'orthanc.json')], orthancPort, orthancDir);

  pacs = startPacsProcess('all-in-one');
  const pacsPort = await pacs.listeningPort('DICOM');
  const http = await pacs.listeningPort('HTTP');

  servers = [{ name: 'orthanc', aeTitle: 'ORTHANC', port: orthancPort }, { name: 'pacs', aeTitle: 'PACS', port: pacsPort }];
  for (const server of servers) await storescu(server, files);
  await waitFor('every instance indexed by our archive', async () => {
    const res = await fetch(`http://127.0.0.1:${http}/api/statistics`);
    const { instances } = (await res.json()) as { instances: number };
    return instances >= files.length ? instances : undefined;
  });
});

after(async () => {
  await pacs?.stop();
  await orthanc?.stop();
  rmSync(work, { recursive: true, force: true });
});

const queries = (): Query[] => [
  { name: 'studies of one patient, with computed keys', model: '-S', level: 'STUDY',
    keys: { PatientID: 'PID0001', StudyInstanceUID: '', StudyDate: '', AccessionNumber: '', StudyDescription: '', PatientName: '',
      ModalitiesInStudy: '', NumberOfStudyRelatedSeries: '', NumberOfStudyRelatedInstances: '' } },
  { name: 'person name wildcard', model: '-S', level: 'STUDY', keys: { PatientName: 'TEST^PATIENT*', PatientID: '', StudyInstanceUID: '' } },
  { name: 'person name, other case, UTF-8 value', model: '-S', level: 'STUDY', keys: { PatientName: 'wang*', PatientID: '', StudyInstanceUID: '' } },
  { name: 'study date range', model: '-S', level: 'STUDY', keys: { StudyDate: '20260101-20260131', StudyInstanceUID: '', PatientID: '' } },
  { name: 'open-ended date range', model: '-S', level: 'STUDY', keys: { StudyDate: '20260201-', StudyInstanceUID: '' } },
  { name: 'accession number', model: '-S', level: 'STUDY', keys: { AccessionNumber: 'ACC10', StudyInstanceUID: '', PatientID: '' } },
  { name: 'modalities in study', model: '-S', level: 'STUDY', keys: { ModalitiesInStudy: 'CT', StudyInstanceUID: '' } },
  { name: 'UID list', model: '-S', level: 'STUDY', keys: { StudyInstanceUID: twoStudies.join('\\'), PatientID: '' } },
  { name: 'series of a study', model: '-S', level: 'SERIES',
    keys: { StudyInstanceUID: studyUid, SeriesInstanceUID: '', SeriesNumber: '', Modality: '', SeriesDescription: '', NumberOfSeriesRelatedInstances: '' } },
  { name: 'images of a series', model: '-S', level: 'IMAGE',
    keys: { StudyInstanceUID: studyUid, SeriesInstanceUID: seriesUid, SOPInstanceUID: '', SOPClassUID: '', InstanceNumber: '' } },
  { name: 'patients (patient root), with Number of Patient Related Studies', model: '-P', level: 'PATIENT',
    keys: { PatientID: '*', PatientName: '', PatientSex: '', PatientBirthDate: '', NumberOfPatientRelatedStudies: '' } },
  { name: 'no match', model: '-S', level: 'STUDY', keys: { PatientID: 'NOBODY', StudyInstanceUID: '' } },
];

describe('C-FIND answers equal Orthanc 1.10 on the same instances', () => {
  test('every query: same matches, same values of the requested keys', async () => {
    for (const query of queries()) {
      const [theirs, ours] = await Promise.all(servers.map(async (server) => tuples(await findscu(server, query), query)));
      assert.deepEqual(ours, theirs, `query "${query.name}"`);
    }
  });

  test('the queries are not vacuous: each server finds what the dataset holds', async () => {
    const answered = await Promise.all(queries().map(async (query) => (await findscu(servers[1]!, query)).length));
    // 3 patients x 2 studies (January and February 2026) and one UTF-8-named patient (June 2025).
    assert.deepEqual(answered, [2, 6, 1, 3, 3, 1, 7, 2, 2, 2, 4, 0]);
  });
});
