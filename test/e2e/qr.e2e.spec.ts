// Query/Retrieve end to end, as viewers and other archives use it: DCMTK findscu, movescu and
// getscu, GDCM's gdcmscu and our own SCU against the running archive (embedded mode: the
// all-in-one process; cluster mode: listener, qr-service and indexer as separate processes on
// PostgreSQL, NATS JetStream and an S3 API). Objects are loaded with storescu; what arrives at
// a move destination or a C-GET requestor is compared byte for byte with what was sent.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  connect, DataSet, DicomServer, defaultAcceptancePolicy, encodePart10, find, move, proposeQuery, QueryRetrieveModel, readDataSet,
  readFileMetaInformation, serveDimse, Status, writeDataSet, type Association,
} from '@pacs/dicom';
import { NatsBus } from '@pacs/messaging';
import { openDatabase } from '@pacs/persistence';
import { S3RVER_CREDENTIALS, makeDataset, startPacsProcess, startS3rver, type PacsProcess } from '@pacs/testing';
import { dataSetPart } from '../interop/support/bytes';
import { freePort, run, startDaemon, type RunResult } from '../interop/support/processes';
import { longSeries, namedInstances, WANG, YAMADA, YAMADA_ISO_2022 } from './qr-dataset';

const PG_URL = process.env['PACS_TEST_PG_URL'] ?? 'postgres://root@127.0.0.1:5432/test';
const SHAPE = { patients: 2, studiesPerPatient: 2, seriesPerStudy: 2, instancesPerSeries: 2, size: 16 };
const LONG_SERIES = 300;

interface Sent {
  path: string;
  sopInstanceUid: string;
  studyInstanceUid: string;
  seriesInstanceUid: string;
  dataSet: Buffer;
}

async function storescu(port: number, files: string[]): Promise<void> {
  for (let i = 0; i < files.length; i += 100) {
    const r = await run('storescu', ['-aet', 'MODALITY', '-aec', 'PACS', '127.0.0.1', String(port), ...files.slice(i, i + 100)], { timeoutMs: 120_000 });
    assert.equal(r.code, 0, r.output);
  }
}

/** findscu with -X: the response identifiers, in arrival order, and the output. */
async function findscu(port: number, args: string[], work: string): Promise<{ matches: DataSet[]; result: RunResult }> {
  const out = mkdtempSync(join(work, 'find-'));
  const result = await run('findscu', ['-X', '-od', out, '-aet', 'VIEWER', '-aec', 'PACS', ...args, '127.0.0.1', String(port)]);
  const matches = readdirSync(out).sort().map((name) => {
    const bytes = readFileSync(join(out, name));
    const { meta, dataSetOffset } = readFileMetaInformation(bytes);
    return readDataSet(bytes.subarray(dataSetOffset), meta.transferSyntaxUid);
  });
  return { matches, result };
}

function directory(parent: string, name: string): string {
  const dir = join(parent, name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

const k = (keys: Record<string, string>): string[] => Object.entries(keys).flatMap(([key, value]) => ['-k', value === '' ? key : `${key}=${value}`]);

/** The data set parts of the files in `dir`, by SOP Instance UID. */
function receivedFiles(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const name of readdirSync(dir)) {
    const bytes = readFileSync(join(dir, name));
    const { meta } = readFileMetaInformation(bytes);
    out.set(meta.mediaStorageSopInstanceUid as string, dataSetPart(join(dir, name)));
  }
  return out;
}

function assertSameBytes(received: Map<string, Buffer>, sent: readonly Sent[]): void {
  assert.equal(received.size, sent.length, 'one object per instance');
  for (const s of sent) assert.ok(received.get(s.sopInstanceUid)?.equals(s.dataSet), `${s.sopInstanceUid} arrived byte-identical`);
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, tries = 600): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** A storage SCP that refuses the SOP Instance UIDs in `refuse` with 0xA700 (out of resources). */
async function startSink(refuse: ReadonlySet<string>): Promise<{ port: number; stored: string[]; close(): Promise<void> }> {
  const server = new DicomServer({ port: 0, host: '127.0.0.1', policy: defaultAcceptancePolicy({ aeTitle: 'SINK', acceptUnknownCallingAe: true }) });
  const stored: string[] = [];
  server.on('association', (association: Association) => {
    serveDimse(association, {
      store: async (req) => {
        for await (const chunk of req.dataSet) void chunk;
        if (refuse.has(req.sopInstanceUid)) return { status: Status.OutOfResources, errorComment: 'sink refuses this one' };
        stored.push(req.sopInstanceUid);
        return { status: Status.Success };
      },
    });
  });
  const { port } = await server.listen();
  return { port, stored, close: () => server.close() };
}

async function ourScu(port: number, models: string[], extendedNegotiation: Record<string, number[]> = {}): Promise<Association> {
  return connect({
    host: '127.0.0.1',
    port,
    callingAeTitle: 'OURSCU',
    calledAeTitle: 'PACS',
    presentationContexts: proposeQuery(models),
    userInformation: Object.entries(extendedNegotiation).map(([sopClassUid, bytes]) => ({ type: 'sop-class-extended-negotiation' as const, sopClassUid, serviceClassApplicationInformation: Buffer.from(bytes) })),
  });
}

const identifier = (keys: Record<number, string>): DataSet => {
  const ds = new DataSet();
  for (const [tag, value] of Object.entries(keys)) ds.setStrings(Number(tag), value);
  return ds;
};

describe('Q/R in embedded mode (all-in-one)', () => {
  const work = mkdtempSync(join(tmpdir(), 'pacs-qr-e2e-'));
  const cleanups: Array<() => Promise<unknown>> = [];
  const generated = makeDataset(join(work, 'dataset'), SHAPE);
  const named = namedInstances(directory(work, 'named'));
  const long = longSeries(directory(work, 'long'), LONG_SERIES);
  const all: Sent[] = [...generated, named.yamada, named.wang, ...long];
  let pacs: PacsProcess;
  let port: number;
  let destPort: number;
  let sinkPort: number;
  let sink: Awaited<ReturnType<typeof startSink>>;
  const refused = new Set([generated[1]!.sopInstanceUid, generated[2]!.sopInstanceUid]);

  before(async () => {
    destPort = await freePort();
    sink = await startSink(refused);
    cleanups.push(() => sink.close());
    sinkPort = sink.port;
    const deadPort = await freePort();
    const config = join(work, 'pacs.yaml');
    writeFileSync(config, [
      'aeMap:',
      `  - { aeTitle: DEST, host: 127.0.0.1, port: ${destPort} }`,
      `  - { aeTitle: SINK, host: 127.0.0.1, port: ${sinkPort} }`,
      `  - { aeTitle: DEAD, host: 127.0.0.1, port: ${deadPort} }`,
      '  - { aeTitle: NOQUERY, query: false, retrieve: false }',
      '  - { aeTitle: "*" }',
      // One pending C-MOVE-RSP per sub-operation, so that movescu --cancel 2 cancels after the second.
      'qr: { pendingIntervalMs: 0 }',
      '',
    ].join('\n'));
    pacs = startPacsProcess('all-in-one', { PACS_CONFIG: config });
    cleanups.push(() => pacs.stop('SIGKILL'));
    port = await pacs.listeningPort('DICOM');
    const http = await pacs.listeningPort('HTTP');
    await storescu(port, all.map((i) => i.path));
    await waitFor('every instance indexed', async () => {
      const res = await fetch(`http://127.0.0.1:${http}/api/statistics`);
      const { instances } = (await res.json()) as { instances: number };
      return instances >= all.length ? instances : undefined;
    });
  });
  after(async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
    rmSync(work, { recursive: true, force: true });
  });

  const studyUids = [...new Set(generated.map((g) => g.studyInstanceUid))];

  test('findscu -P at PATIENT level: every patient once, with Number of Patient Related Studies/Instances', async () => {
    const { matches, result } = await findscu(port, ['-P', ...k({ QueryRetrieveLevel: 'PATIENT', PatientID: 'PID*', PatientName: '', NumberOfPatientRelatedStudies: '', NumberOfPatientRelatedInstances: '' })], work);
    assert.equal(result.code, 0, result.output);
    assert.deepEqual(matches.map((m) => [m.getString(0x00100020), m.getString(0x00100010), m.getString(0x00201200), m.getString(0x00201204)]), [
      ['PID0000', 'TEST^PATIENT0', '2', '8'],
      ['PID0001', 'TEST^PATIENT1', '2', '8'],
    ]);
  });

  test('findscu -S at STUDY level: single value, UID list, range and wildcard matching, computed keys', async () => {
    const byId = await findscu(port, ['-S', ...k({ QueryRetrieveLevel: 'STUDY', PatientID: 'PID0001', StudyInstanceUID: '', ModalitiesInStudy: '', NumberOfStudyRelatedSeries: '', NumberOfStudyRelatedInstances: '' })], work);
    assert.equal(byId.matches.length, 2, byId.result.output);
    for (const m of byId.matches) assert.deepEqual([m.getString(0x00080061), m.getString(0x00201206), m.getString(0x00201208), m.getString(0x00080054)], ['CT', '2', '4', 'PACS']);

    const list = await findscu(port, ['-S', ...k({ QueryRetrieveLevel: 'STUDY', StudyInstanceUID: `${studyUids[0]}\\${studyUids[3]}` })], work);
    assert.deepEqual(list.matches.map((m) => m.getString(0x0020000d)).sort(), [studyUids[0], studyUids[3]].sort());

    // makeDataset dates: study s of each patient on 2026-(s+1)-15.
    const range = await findscu(port, ['-S', ...k({ QueryRetrieveLevel: 'STUDY', StudyDate: '20260201-20260228', PatientID: 'PID*', StudyInstanceUID: '' })], work);
    assert.equal(range.matches.length, 2);
    assert.ok(range.matches.every((m) => m.getString(0x00080020) === '20260215'));

    const wildcard = await findscu(port, ['-S', ...k({ QueryRetrieveLevel: 'STUDY', PatientName: 'test^patient?', StudyDescription: '' })], work);
    assert.equal(wildcard.matches.length, 4, 'case-insensitive PN wildcard');
    assert.ok(wildcard.matches.every((m) => /^Study \d of PID000\d$/.test(m.getString(0x00081030) ?? '')));
  });

  test('findscu -S at SERIES and IMAGE level, ordered by number', async () => {
    const series = await findscu(port, ['-S', ...k({ QueryRetrieveLevel: 'SERIES', StudyInstanceUID: studyUids[0]!, SeriesNumber: '', Modality: '', NumberOfSeriesRelatedInstances: '' })], work);
    assert.deepEqual(series.matches.map((m) => [m.getString(0x00200011), m.getString(0x00080060), m.getString(0x00201209)]), [['1', 'CT', '2'], ['2', 'CT', '2']]);
    const first = generated.filter((g) => g.studyInstanceUid === studyUids[0]);
    const images = await findscu(port, ['-S', ...k({ QueryRetrieveLevel: 'IMAGE', StudyInstanceUID: studyUids[0]!, SeriesInstanceUID: first[0]!.seriesInstanceUid, SOPInstanceUID: '', InstanceNumber: '' })], work);
    assert.deepEqual(images.matches.map((m) => m.getString(0x00080018)), first.filter((g) => g.seriesInstanceUid === first[0]!.seriesInstanceUid).map((g) => g.sopInstanceUid));
  });

  test('findscu -P hierarchical rules: STUDY level without Patient ID → 0xA900', async () => {
    const { matches, result } = await findscu(port, ['-v', '-P', ...k({ QueryRetrieveLevel: 'STUDY', StudyInstanceUID: '' })], work);
    assert.equal(matches.length, 0);
    assert.match(result.output, /DataSetDoesNotMatchSOPClass|0xa900/i);
  });

  test('findscu -O (Patient/Study Only) at PATIENT and STUDY level; SERIES is refused', async () => {
    const patients = await findscu(port, ['-O', ...k({ QueryRetrieveLevel: 'PATIENT', PatientID: 'PID0000' })], work);
    assert.equal(patients.matches.length, 1, patients.result.output);
    const studies = await findscu(port, ['-O', ...k({ QueryRetrieveLevel: 'STUDY', PatientID: 'PID0000', StudyInstanceUID: '' })], work);
    assert.equal(studies.matches.length, 2);
    const series = await findscu(port, ['-v', '-O', ...k({ QueryRetrieveLevel: 'SERIES', PatientID: 'PID0000', StudyInstanceUID: studyUids[0]! })], work);
    assert.equal(series.matches.length, 0);
    assert.match(series.result.output, /DataSetDoesNotMatchSOPClass|0xa900/i);
  });

  test('Japanese ISO 2022 IR 87 query (PS3.5 H.3.1) finds the name stored in ISO 2022; the answer is UTF-8', async () => {
    const query = join(work, 'yamada-query.dcm');
    const ds = new DataSet().setStrings(0x00080005, ['', 'ISO 2022 IR 87'], 'CS').setStrings(0x00080052, 'STUDY', 'CS').setBytes(0x00100010, 'PN', YAMADA_ISO_2022).setStrings(0x0020000d, '', 'UI');
    // The query file findscu sends as is: PatientName in ISO 2022 IR 87, escape sequences included.
    writeFileSync(query, encodePart10({ transferSyntaxUid: '1.2.840.10008.1.2.1', mediaStorageSopClassUid: QueryRetrieveModel.StudyRootFind, mediaStorageSopInstanceUid: '1.2.3' } as Parameters<typeof encodePart10>[0], writeDataSet(ds, '1.2.840.10008.1.2.1')));
    const out = mkdtempSync(join(work, 'find-jp-'));
    const r = await run('findscu', ['-S', '-X', '-od', out, '-aec', 'PACS', '127.0.0.1', String(port), query]);
    assert.equal(r.code, 0, r.output);
    const [file] = readdirSync(out);
    assert.ok(file, r.output);
    const bytes = readFileSync(join(out, file));
    const { meta, dataSetOffset } = readFileMetaInformation(bytes);
    const match = readDataSet(bytes.subarray(dataSetOffset), meta.transferSyntaxUid);
    assert.deepEqual(match.specificCharacterSet(), ['ISO_IR 192']);
    assert.equal(match.getString(0x00100010), YAMADA);
    assert.equal(match.getString(0x0020000d), named.yamada.studyInstanceUid);
  });

  test('UTF-8 (ISO_IR 192) name: the ideographic group alone finds it; a Japanese query by ideographic group too', async () => {
    const wang = await findscu(port, ['-S', ...k({ SpecificCharacterSet: 'ISO_IR 192', QueryRetrieveLevel: 'STUDY', PatientName: '王^小東', PatientID: '' })], work);
    assert.deepEqual(wang.matches.map((m) => [m.getString(0x00100010), m.getString(0x00100020)]), [[WANG, 'CN-0001']], wang.result.output);
    const yamada = await findscu(port, ['-S', ...k({ SpecificCharacterSet: 'ISO_IR 192', QueryRetrieveLevel: 'STUDY', PatientName: '山田*', PatientID: '' })], work);
    assert.deepEqual(yamada.matches.map((m) => m.getString(0x00100020)), ['JP-0001']);
  });

  test('findscu --cancel 2 on a 300-match query: C-CANCEL stops it, final status 0xFE00', async () => {
    const bulk = long[0]!;
    const { matches, result } = await findscu(port, ['-v', '-S', '--cancel', '2', ...k({ QueryRetrieveLevel: 'IMAGE', StudyInstanceUID: bulk.studyInstanceUid, SeriesInstanceUID: bulk.seriesInstanceUid, SOPInstanceUID: '' })], work);
    assert.equal(result.code, 0, result.output);
    assert.match(result.output, /Received Final Find Response \(Cancel: MatchingTerminatedDueToCancelRequest\)/);
    assert.ok(matches.length >= 2 && matches.length < LONG_SERIES, `${matches.length} matches before the cancel took effect`);
  });

  test('a query from an AE the map does not allow to query: 0x0124', async () => {
    const denied = await run('findscu', ['-v', '-S', '-aet', 'NOQUERY', '-aec', 'PACS', '-k', 'QueryRetrieveLevel=STUDY', '127.0.0.1', String(port)]);
    assert.match(denied.output, /Received Final Find Response \(Unknown Status: 0x124\)/, denied.output);
  });

  test('movescu to a storescp started as the destination: every instance arrives byte for byte', async () => {
    const dir = mkdtempSync(join(work, 'move-'));
    const dest = await startDaemon('storescp', ['-aet', 'DEST', '+B', '-od', dir, String(destPort)], destPort);
    try {
      const r = await run('movescu', ['-v', '-S', '-aet', 'VIEWER', '-aec', 'PACS', '-aem', 'DEST', ...k({ QueryRetrieveLevel: 'STUDY', StudyInstanceUID: `${studyUids[0]}\\${studyUids[1]}` }), '127.0.0.1', String(port)]);
      assert.equal(r.code, 0, r.output);
      assert.match(r.output, /Received Final Move Response \(Success\)/);
      assertSameBytes(receivedFiles(dir), generated.filter((g) => g.studyInstanceUid === studyUids[0] || g.studyInstanceUid === studyUids[1]));
    } finally {
      await dest.stop();
    }
  });

  test('movescu --cancel 2 on a 300-instance series: 0xFE00, the destination has fewer than all', async () => {
    const dir = mkdtempSync(join(work, 'move-cancel-'));
    const dest = await startDaemon('storescp', ['-aet', 'DEST', '+B', '-od', dir, String(destPort)], destPort);
    try {
      const r = await run('movescu', ['-v', '-S', '--cancel', '2', '-aet', 'VIEWER', '-aec', 'PACS', '-aem', 'DEST', ...k({ QueryRetrieveLevel: 'SERIES', StudyInstanceUID: long[0]!.studyInstanceUid, SeriesInstanceUID: long[0]!.seriesInstanceUid }), '127.0.0.1', String(port)]);
      assert.match(r.output, /Received Final Move Response \(Cancel/, r.output);
      const arrived = readdirSync(dir).length;
      assert.ok(arrived >= 1 && arrived < LONG_SERIES, `${arrived} instances arrived`);
    } finally {
      await dest.stop();
    }
  });

  test('movescu to an unknown destination → 0xA801; to one that refuses the association → 0xA702', async () => {
    const unknown = await run('movescu', ['-S', '-aec', 'PACS', '-aem', 'NOWHERE', ...k({ QueryRetrieveLevel: 'STUDY', StudyInstanceUID: studyUids[0]! }), '127.0.0.1', String(port)]);
    assert.match(unknown.output, /MoveDestinationUnknown|0xa801/i, unknown.output);
    const dead = await run('movescu', ['-S', '-aec', 'PACS', '-aem', 'DEAD', ...k({ QueryRetrieveLevel: 'STUDY', StudyInstanceUID: studyUids[0]! }), '127.0.0.1', String(port)]);
    assert.match(dead.output, /0xa702|UnableToPerformSubOperations|OutOfResources/i, dead.output);
  });

  test('a destination that refuses some objects: 0xB000 with the Failed SOP Instance UID List', async () => {
    const association = await ourScu(port, [QueryRetrieveModel.StudyRootMove]);
    try {
      const op = move(association, QueryRetrieveModel.StudyRootMove, 'SINK', identifier({ 0x00080052: 'STUDY', 0x0020000d: studyUids[0]! }));
      for await (const progress of op) void progress;
      const outcome = await op.done;
      assert.equal(outcome.status, Status.SubOperationsCompleteWithFailures);
      assert.deepEqual([outcome.completed, outcome.failed, outcome.warning], [2, 2, 0]);
      assert.deepEqual(outcome.failedSopInstanceUids.sort(), [...refused].sort());
      assert.equal(sink.stored.length, 2);
    } finally {
      await association.release();
    }
  });

  test('getscu into a temp dir: the sub-operations on the same association, byte for byte', async () => {
    const dir = mkdtempSync(join(work, 'get-'));
    const patient = generated.filter((g) => g.patientId === 'PID0001');
    const r = await run('getscu', ['-P', '+B', '-aet', 'VIEWER', '-aec', 'PACS', '-od', dir, ...k({ QueryRetrieveLevel: 'PATIENT', PatientID: 'PID0001' }), '127.0.0.1', String(port)]);
    assert.equal(r.code, 0, r.output);
    assertSameBytes(receivedFiles(dir), patient);
  });

  test('gdcmscu --find --study --studyroot: one pending response per study of the patient, then success', async () => {
    // gdcmscu prints no identifiers; with -D it logs each response command (twice: the PDV, then the message).
    const r = await run('gdcmscu', ['-D', '--find', '--study', '--studyroot', '--key', '10,20=PID0000', '--key', '20,d=', '-H', '127.0.0.1', '-p', String(port), '--call', 'PACS', '--aetitle', 'GDCMSCU']);
    const knownCrash = (r.signal === 'SIGABRT' || r.code === 134) && /ProtocolStream as nullptr is invalid/.test(r.output);
    assert.ok(r.code === 0 || knownCrash, r.output);
    assert.match(r.output, /C-Find was successful\./);
    const pending = r.output.match(/\(0000,0900\) \?\? \(US\) 65280 /g) ?? [];
    assert.equal(pending.length / 2, 2, 'PID0000 has two studies');
  });

  test('relational queries and combined date-time matching when negotiated (PS3.4 C.4.1.2.2.2, C.2.2.2.5.1)', async () => {
    const relational = await ourScu(port, [QueryRetrieveModel.PatientRootFind], { [QueryRetrieveModel.PatientRootFind]: [1, 1] });
    const hierarchical = await ourScu(port, [QueryRetrieveModel.PatientRootFind]);
    try {
      const series = identifier({ 0x00080052: 'SERIES', 0x0020000e: long[0]!.seriesInstanceUid });
      const found: DataSet[] = [];
      for await (const m of find(relational, QueryRetrieveModel.PatientRootFind, series)) found.push(m);
      assert.equal(found.length, 1, 'a SERIES query without Patient ID and Study UID, relational');
      const hierarchicalFind = find(hierarchical, QueryRetrieveModel.PatientRootFind, series);
      await assert.rejects(async () => {
        for await (const m of hierarchicalFind) void m;
      }, (err: unknown) => (err as { status?: number }).status === Status.IdentifierDoesNotMatchSOPClass);

      // Combined: from 2026-01-15 13:00 to 2026-02-15 11:00: the February studies (10:15) only.
      const combined = identifier({ 0x00080052: 'STUDY', 0x00100020: 'PID0000', 0x00080020: '20260115-20260215', 0x00080030: '1300-1100', 0x0020000d: '' });
      const dates: string[] = [];
      for await (const m of find(relational, QueryRetrieveModel.PatientRootFind, combined)) dates.push(m.getString(0x00080020) ?? '');
      assert.deepEqual(dates, ['20260215']);
    } finally {
      await relational.release();
      await hierarchical.release();
    }
  });
});

describe('Q/R in cluster mode (qr-service, scp-listener and indexer processes on PostgreSQL, NATS, S3)', () => {
  const work = mkdtempSync(join(tmpdir(), 'pacs-qr-cluster-'));
  const processes: PacsProcess[] = [];
  const cleanups: Array<() => Promise<unknown>> = [];
  after(async () => {
    await Promise.all(processes.map((p) => p.stop('SIGKILL')));
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
    rmSync(work, { recursive: true, force: true });
  });

  test('findscu (and its 0xA700 above qr.maxMatches) and movescu through the listener, answered by qr-service from PostgreSQL', async () => {
    const instances = makeDataset(join(work, 'dataset'), { patients: 1, studiesPerPatient: 2, seriesPerStudy: 1, instancesPerSeries: 3, size: 16 });
    const s3 = await startS3rver();
    cleanups.push(() => s3.stop());
    const suffix = randomBytes(4).toString('hex');
    const schema = `qr_${suffix}`;
    const prefix = `QR_${suffix.toUpperCase()}`;
    cleanups.push(async () => {
      const db = await openDatabase({ driver: 'postgres', url: PG_URL, schema, poolSize: 1, statementTimeoutMs: 10_000 }, { migrate: false });
      await db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await db.destroy();
      const bus = await NatsBus.connect({ servers: 'nats://127.0.0.1:4222' });
      await bus.deleteStream(`${prefix}_INGEST`);
      await bus.close();
    });
    const destPort = await freePort();
    const config = join(work, 'cluster.yaml');
    writeFileSync(config, [
      'mode: cluster',
      `database: { url: "${PG_URL}", schema: ${schema}, poolSize: 4 }`,
      `bus: { servers: "nats://127.0.0.1:4222", streamPrefix: ${prefix} }`,
      'qr: { maxMatches: 1 }',
      `storage: { s3: { endPoint: 127.0.0.1, port: ${s3.port}, useSSL: false, accessKey: ${S3RVER_CREDENTIALS.accessKey}, secretKey: ${S3RVER_CREDENTIALS.secretKey}, bucket: pacs-qr-${suffix}, createBucket: true } }`,
      'aeMap:',
      '  - { aeTitle: MODALITY }',
      '  - { aeTitle: VIEWER }',
      `  - { aeTitle: DEST, host: 127.0.0.1, port: ${destPort} }`,
      '',
    ].join('\n'));
    const env = { PACS_CONFIG: config };
    // qr-service first: it applies the migrations, which two processes must not do at once.
    const qr = startPacsProcess('qr-service', env);
    processes.push(qr);
    await qr.waitForLog((l) => l['msg'] === 'serving Q/R requests', 'qr-service serving');
    const indexer = startPacsProcess('indexer', env);
    processes.push(indexer);
    await indexer.waitForLog((l) => l['msg'] === 'service started', 'indexer started');
    const listener = startPacsProcess('scp-listener', env);
    processes.push(listener);
    const port = await listener.listeningPort('DICOM');
    await storescu(port, instances.map((i) => i.path));

    const studyUids = [...new Set(instances.map((i) => i.studyInstanceUid))];
    for (const uid of studyUids) {
      const [match] = await waitFor(`study ${uid} indexed and found`, async () => {
        const { matches: found } = await findscu(port, ['-S', ...k({ QueryRetrieveLevel: 'STUDY', StudyInstanceUID: uid, PatientID: '', NumberOfStudyRelatedInstances: '' })], work);
        return found.length === 1 && found[0]?.getString(0x00201208) === '3' ? found : undefined;
      });
      assert.equal(match?.getString(0x00100020), 'PID0000');
    }
    // qr.maxMatches is 1 here: both studies at once are more than the archive answers.
    const tooMany = await findscu(port, ['-v', '-S', ...k({ QueryRetrieveLevel: 'STUDY', StudyInstanceUID: studyUids.join('\\') })], work);
    assert.equal(tooMany.matches.length, 0);
    assert.match(tooMany.result.output, /0xa700|OutOfResources/i, tooMany.result.output);

    const dir = mkdtempSync(join(work, 'move-'));
    const dest = await startDaemon('storescp', ['-aet', 'DEST', '+B', '-od', dir, String(destPort)], destPort);
    try {
      const r = await run('movescu', ['-S', '-aet', 'VIEWER', '-aec', 'PACS', '-aem', 'DEST', ...k({ QueryRetrieveLevel: 'STUDY', StudyInstanceUID: studyUids[0]! }), '127.0.0.1', String(port)]);
      assert.equal(r.code, 0, r.output);
      assertSameBytes(receivedFiles(dir), instances.filter((i) => i.studyInstanceUid === studyUids[0]));
    } finally {
      await dest.stop();
    }
  });
});

