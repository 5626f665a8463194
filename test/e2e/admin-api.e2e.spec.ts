// The admin REST API end to end (issue 7, and the AE map of issue 6), on the embedded system
// with auth on: tokens and roles, the live AE map (an AE added over REST is a C-MOVE
// destination at once, without a restart; deleted → 0xA801), browse with filters and paging,
// delete (audited), and clear 4xx answers for bad input with nothing changed.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { adminHttp, waitFor, makeDataset, startPacsProcess, storeAndWaitIndexed, type PacsProcess } from '@pacs/testing';
import { freePort, run, startDaemon } from '../interop/support/processes';

const ADMIN_TOKEN = 'admin-token-for-the-e2e-test-0123456789';
const SHAPE = { patients: 2, studiesPerPatient: 1, seriesPerStudy: 2, instancesPerSeries: 2, size: 8 };

const k = (keys: Record<string, string>): string[] => Object.entries(keys).flatMap(([key, value]) => ['-k', value === '' ? key : `${key}=${value}`]);

describe('admin API (embedded, auth on)', () => {
  const work = mkdtempSync(join(tmpdir(), 'pacs-admin-e2e-'));
  const generated = makeDataset(join(work, 'dataset'), SHAPE);
  let pacs: PacsProcess;
  let http: number;
  let dicom: number;
  const { api, json, post } = adminHttp(() => http, ADMIN_TOKEN);
  const count = async (): Promise<number> => ((await json('/api/statistics')).body['instances'] as number);

  before(async () => {
    const config = join(work, 'pacs.yaml');
    writeFileSync(config, ['aeMap:', '  - { aeTitle: MODALITY }', '  - { aeTitle: VIEWER }', ''].join('\n'));
    pacs = startPacsProcess('all-in-one', {
      PACS_CONFIG: config, PACS_HTTP__AUTH__ENABLED: 'true', PACS_HTTP__AUTH__ADMINTOKEN: ADMIN_TOKEN, PACS_DICOM__ACCEPTUNKNOWNCALLINGAE: 'false',
    });
    dicom = await pacs.listeningPort('DICOM');
    http = await pacs.listeningPort('HTTP');
        await storeAndWaitIndexed(dicom, generated.map((g) => g.path), count);
  });
  after(async () => {
    await pacs?.stop('SIGKILL');
    rmSync(work, { recursive: true, force: true });
  });

  test('no token or a wrong one → 401 problem+json; probes and the OpenAPI document need none', async () => {
    const none = await api('/api/studies', { token: null });
    assert.equal(none.status, 401);
    assert.match(none.headers.get('content-type') ?? '', /application\/problem\+json/);
    assert.match(((await none.json()) as { detail: string }).detail, /token is required/);
    assert.equal((await api('/api/studies', { token: 'not-a-token' })).status, 401);
    assert.equal((await api('/healthz', { token: null })).status, 200);
    const doc = await json('/api/openapi.json', { token: null });
    assert.equal(doc.status, 200);
    assert.ok((doc.body['paths'] as Record<string, unknown>)['/dicom-web/studies']);
    // A mutating call without a token changes nothing.
    const deleted = await api(`/api/studies/${generated[0]!.studyInstanceUid}`, { method: 'DELETE', token: null });
    assert.equal(deleted.status, 401);
    assert.equal(await count(), generated.length);
  });

  test('tokens: an admin creates a viewer token; the viewer reads but may not delete (403) or edit the AE map', async () => {
    const created = await post('/api/tokens', { name: 'reader', role: 'viewer' });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const viewer = created.body['token'] as string;
    assert.equal((await api('/api/studies', { token: viewer })).status, 200);
    const del = await json(`/api/series/${generated[0]!.seriesInstanceUid}`, { method: 'DELETE', token: viewer });
    assert.equal(del.status, 403);
    assert.match(del.body['detail'] as string, /operator/);
    assert.equal((await post('/api/ae-map', { aeTitle: 'X' }, viewer)).status, 403);
    assert.equal((await api('/api/tokens', { token: viewer })).status, 403);
    assert.equal(await count(), generated.length);
    const list = await json('/api/tokens');
    assert.ok((list.body['items'] as { name: string; token?: string }[]).every((t) => t.token === undefined), 'tokens are never listed');
  });

  test('AE map: added over REST → movescu to it works without a restart; deleted → 0xA801', async () => {
    const destPort = await freePort();
    const dir = mkdtempSync(join(work, 'move-'));
    const dest = await startDaemon('storescp', ['-aet', 'NEWDEST', '+B', '-od', dir, String(destPort)], destPort);
    const study = generated[0]!.studyInstanceUid;
    const move = () => run('movescu', ['-v', '-S', '-aet', 'VIEWER', '-aec', 'PACS', '-aem', 'NEWDEST', ...k({ QueryRetrieveLevel: 'STUDY', StudyInstanceUID: study }), '127.0.0.1', String(dicom)]);
    try {
      const before = await move();
      assert.match(before.output, /MoveDestinationUnknown|0xa801/i, before.output);
      const added = await post('/api/ae-map', { aeTitle: 'NEWDEST', host: '127.0.0.1', port: destPort, description: 'added by the test' });
      assert.equal(added.status, 201, JSON.stringify(added.body));
      assert.equal(added.body['source'], 'api');
      const moved = await move();
      assert.match(moved.output, /Received Final Move Response \(Success\)/, moved.output);
      assert.equal(readdirSync(dir).length, generated.filter((g) => g.studyInstanceUid === study).length);
      assert.equal((await json(`/api/ae-map/${added.body['id'] as string}`, { method: 'DELETE' })).status, 200);
      const gone = await move();
      assert.match(gone.output, /MoveDestinationUnknown|0xa801/i, gone.output);
    } finally {
      await dest.stop();
    }
  });

  test('AE map: bad entries → 400 naming the field; duplicate title → 409; configured entries are listed as config', async () => {
    const bad = await post('/api/ae-map', { aeTitle: 'WAY_TOO_LONG_AE_TITLE' });
    assert.equal(bad.status, 400);
    assert.match(bad.body['detail'] as string, /aeTitle/);
    assert.match((await post('/api/ae-map', { aeTitle: 'A', port: 70000 })).body['detail'] as string, /port/);
    assert.match((await post('/api/ae-map', { aeTitle: 'A', retreive: true })).body['detail'] as string, /retreive: unknown field/);
    const malformed = await api('/api/ae-map', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"aeTitle":' });
    assert.equal(malformed.status, 400);
    assert.match(((await malformed.json()) as { detail: string }).detail, /malformed JSON/);
    assert.equal((await post('/api/ae-map', { aeTitle: 'MODALITY' })).status, 409);
    const list = (await json('/api/ae-map')).body['items'] as { aeTitle: string; source: string }[];
    assert.deepEqual(list.filter((e) => e.source === 'config').map((e) => e.aeTitle), ['MODALITY', 'VIEWER']);
  });

  test('browse: studies filtered by patient name (wildcard, any case) and ID, paged with the total; series; instances', async () => {
    const all = await json('/api/studies?limit=1&sort=patientId');
    assert.equal(all.body['total'], 2);
    assert.equal((all.body['items'] as unknown[]).length, 1);
    const one = await json('/api/studies?patientName=test%5Epatient1*');
    assert.equal(one.body['total'], 1, JSON.stringify(one.body));
    const study = (one.body['items'] as { studyInstanceUid: string; patient: { patientId: string } }[])[0]!;
    assert.equal(study.patient.patientId, 'PID0001');
    const series = await json(`/api/studies/${study.studyInstanceUid}/series`);
    assert.equal(series.body['total'], 2);
    const first = (series.body['items'] as { seriesInstanceUid: string }[])[0]!;
    const instances = await json(`/api/series/${first.seriesInstanceUid}/instances`);
    assert.equal(instances.body['total'], 2);
    assert.equal((await json('/api/studies?modality=MR')).body['total'], 0);
    assert.equal((await json('/api/patients?patientId=PID*')).body['total'], 2);
  });

  test('bad input: invalid UID → 400, unknown UID → 404, unknown sort key → 400, bad paging → 400', async () => {
    assert.equal((await json('/api/studies/not-a-uid')).status, 400);
    assert.equal((await json('/api/studies/1.2.3.999')).status, 404);
    assert.match((await json('/api/studies?sort=bogus')).body['detail'] as string, /sort/);
    assert.equal((await json('/api/studies?limit=0')).status, 400);
    assert.equal((await json('/api/series/1.2.3.999', { method: 'DELETE' })).status, 404);
    assert.equal(await count(), generated.length);
  });

  test('download streams the stored object; deleting a series removes its instances and is audited', async () => {
    const victim = generated[generated.length - 1]!;
    const file = await api(`/api/instances/${victim.sopInstanceUid}/file`);
    assert.equal(file.status, 200);
    assert.equal(file.headers.get('content-type'), 'application/dicom');
    const bytes = Buffer.from(await file.arrayBuffer());
    assert.equal(bytes.subarray(128, 132).toString('latin1'), 'DICM');
    assert.ok(bytes.subarray(bytes.length - victim.dataSet.length).equals(victim.dataSet), 'data set as sent');

    const del = await json(`/api/series/${victim.seriesInstanceUid}`, { method: 'DELETE' });
    assert.equal(del.status, 200);
    assert.equal(del.body['instances'], 2);
    assert.equal(await count(), generated.length - 2);
    assert.equal((await api(`/api/instances/${victim.sopInstanceUid}/file`)).status, 404);
    const audit = await waitFor('the audit row', async () => {
      const rows = (await json('/api/audit?action=series.delete')).body['items'] as { actor: string; target: Record<string, string>; outcome: string }[];
      return rows.length > 0 ? rows : undefined;
    });
    assert.equal(audit[0]!.actor, 'bootstrap-admin');
    assert.equal(audit[0]!.target['seriesInstanceUid'], victim.seriesInstanceUid);
    assert.equal(audit[0]!.outcome, 'success');
    const refused = (await json('/api/audit?limit=1000')).body['items'] as { status: number; outcome: string }[];
    assert.ok(refused.some((r) => r.status === 401 && r.outcome === 'failure'), 'the refused DELETE is audited too');
  });
});

describe('admin API in cluster mode', () => {
  test('auth on by default: no http.auth.adminToken → config error naming the key, exit 78', async () => {
    const pacs = startPacsProcess('admin-api', {
      PACS_MODE: 'cluster',
      PACS_DATABASE__URL: 'postgres://root@127.0.0.1:5432/test',
      PACS_STORAGE__S3__ACCESSKEY: 'unused',
      PACS_STORAGE__S3__SECRETKEY: 'unused',
    });
    const code = await pacs.exited;
    assert.equal(code, 78, pacs.stderr.join('\n'));
    assert.match(pacs.stderr.join('\n'), /http\.auth\.adminToken/);
  });
});
