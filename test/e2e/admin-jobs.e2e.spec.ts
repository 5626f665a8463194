// Send jobs end to end (issue 7, Conquest dgate's "send study/series to AE"), on the embedded
// system with auth on: POST /api/jobs/send enqueues a forward job that the archiver runs by
// C-STORE to a DCMTK storescp added over REST; progress and state through GET /api/jobs/:id;
// a destination that is down is retried until it is up; a cancelled job is never sent; bad
// input is a clear 4xx and a viewer may read jobs but not start or cancel them.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { adminHttp, waitFor, makeDataset, startPacsProcess, storeAndWaitIndexed, type GeneratedInstance, type PacsProcess } from '@pacs/testing';
import { freePort, startDaemon, type Daemon } from '../interop/support/processes';

const ADMIN_TOKEN = 'admin-token-for-the-jobs-e2e-test-0123456789';
const SHAPE = { patients: 1, studiesPerPatient: 1, seriesPerStudy: 2, instancesPerSeries: 3, size: 8 };
/** The send job's wait after a failed attempt (SEND_RETRY in admin-api's send-job.ts). */
const SEND_RETRY_MS = 10_000;

interface Job {
  id: string;
  kind: string;
  target: string;
  state: string;
  destination?: string;
  level?: string;
  total?: number;
  remaining?: number;
  attempts: number;
  maxAttempts: number;
  lastError: string | null;
  createdAt: string;
  updatedAt: string;
  finishedAt: string | null;
}

/** The generated instances whose data sets storescp wrote into `dir`, byte for byte. */
function received(dir: string, expected: readonly GeneratedInstance[]): string[] {
  const files = readdirSync(dir).map((f) => readFileSync(join(dir, f)));
  return expected
    .filter((g) => files.some((bytes) => bytes.subarray(128, 132).toString('latin1') === 'DICM' && bytes.subarray(bytes.length - g.dataSet.length).equals(g.dataSet)))
    .map((g) => g.sopInstanceUid);
}

describe('send jobs (embedded, auth on)', () => {
  const work = mkdtempSync(join(tmpdir(), 'pacs-jobs-e2e-'));
  const generated = makeDataset(join(work, 'dataset'), SHAPE);
  const study = generated[0]!.studyInstanceUid;
  const firstSeries = generated[0]!.seriesInstanceUid;
  const daemons: Daemon[] = [];
  let pacs: PacsProcess;
  let http: number;
  let dicom: number;
  let viewer: string;
  const { json, post } = adminHttp(() => http, ADMIN_TOKEN);
  const job = async (id: string): Promise<Job> => (await json<Job>(`/api/jobs/${id}`)).body;
  const until = (id: string, what: string, done: (j: Job) => boolean, timeoutMs = 60_000) =>
    waitFor(what, async () => {
      const j = await job(id);
      return done(j) ? j : undefined;
    }, timeoutMs);
  const destination = async (aeTitle: string, extra: Record<string, unknown> = {}): Promise<{ port: number; dir: string; start: () => Promise<void> }> => {
    const port = await freePort();
    const dir = mkdtempSync(join(work, `${aeTitle}-`));
    const added = await post('/api/ae-map', { aeTitle, host: '127.0.0.1', port, ...extra });
    assert.equal(added.status, 201, JSON.stringify(added.body));
    return { port, dir, start: async () => void daemons.push(await startDaemon('storescp', ['-aet', aeTitle, '+B', '-od', dir, String(port)], port)) };
  };

  before(async () => {
    const config = join(work, 'pacs.yaml');
    writeFileSync(config, ['aeMap:', '  - { aeTitle: MODALITY }', ''].join('\n'));
    pacs = startPacsProcess('all-in-one', {
      PACS_CONFIG: config, PACS_HTTP__AUTH__ENABLED: 'true', PACS_HTTP__AUTH__ADMINTOKEN: ADMIN_TOKEN, PACS_ARCHIVER__POLLINTERVALMS: '200',
    });
    dicom = await pacs.listeningPort('DICOM');
    http = await pacs.listeningPort('HTTP');
        await storeAndWaitIndexed(dicom, generated.map((g) => g.path), async () => (await json('/api/statistics')).body['instances'] as number);
    const created = await post('/api/tokens', { name: 'jobs-reader', role: 'viewer' });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    viewer = created.body['token'] as string;
  });
  after(async () => {
    await Promise.all(daemons.map((d) => d.stop()));
    await pacs?.stop('SIGKILL');
    rmSync(work, { recursive: true, force: true });
  });

  test('send a study → 202 queued job → done; storescp has every instance byte for byte', async () => {
    const dest = await destination('SENDDEST');
    await dest.start();
    const sent = await post<Job>('/api/jobs/send', { destination: 'SENDDEST', studyInstanceUid: study });
    assert.equal(sent.status, 202, JSON.stringify(sent.body));
    assert.equal(sent.body.kind, 'forward');
    assert.match(sent.body.target, /^send:/);
    assert.equal(sent.body.destination, 'SENDDEST');
    assert.equal(sent.body.level, 'study');
    assert.equal(sent.body.total, generated.length);
    assert.equal(sent.body.remaining, generated.length);
    assert.ok(['queued', 'running'].includes(sent.body.state), sent.body.state);
    const done = await until(sent.body.id, 'the send job done', (j) => j.state === 'done' || j.state === 'failed');
    assert.equal(done.state, 'done', JSON.stringify(done));
    assert.equal(done.remaining, 0);
    assert.equal(done.attempts, 1);
    assert.ok(done.finishedAt && done.finishedAt >= done.createdAt);
    assert.deepEqual(received(dest.dir, generated).sort(), generated.map((g) => g.sopInstanceUid).sort());

    const listed = await json<{ items: Job[]; total: number }>('/api/jobs?kind=forward&state=done');
    assert.ok(listed.body.items.some((j) => j.id === done.id));
    const audit = await waitFor('the audit row', async () => {
      const rows = (await json<{ items: { action: string; target: Record<string, string>; actor: string }[] }>('/api/audit?action=job.send')).body.items;
      return rows.length > 0 ? rows : undefined;
    });
    assert.equal(audit[0]!.actor, 'bootstrap-admin');
    assert.equal(audit[0]!.target['studyInstanceUid'], study);
  });

  test('send a series → only that series arrives', async () => {
    const dest = await destination('SERIESDEST');
    await dest.start();
    const sent = await post<Job>('/api/jobs/send', { destination: 'SERIESDEST', studyInstanceUid: study, seriesInstanceUid: firstSeries });
    assert.equal(sent.status, 202, JSON.stringify(sent.body));
    assert.equal(sent.body.level, 'series');
    const series = generated.filter((g) => g.seriesInstanceUid === firstSeries);
    assert.equal(sent.body.total, series.length);
    const done = await until(sent.body.id, 'the series send done', (j) => j.state === 'done' || j.state === 'failed');
    assert.equal(done.state, 'done', JSON.stringify(done));
    assert.deepEqual(received(dest.dir, generated).sort(), series.map((g) => g.sopInstanceUid).sort());
    assert.equal(readdirSync(dest.dir).length, series.length);
  });

  test('destination down → the attempt fails and is retried; once storescp is up the job completes', async () => {
    const dest = await destination('LATEDEST');
    const sent = await post<Job>('/api/jobs/send', { destination: 'LATEDEST', studyInstanceUid: study });
    assert.equal(sent.status, 202, JSON.stringify(sent.body));
    const failedOnce = await until(sent.body.id, 'a failed first attempt', (j) => j.lastError !== null);
    assert.equal(failedOnce.state, 'queued', JSON.stringify(failedOnce));
    assert.match(failedOnce.lastError ?? '', /LATEDEST/);
    assert.equal(failedOnce.remaining, generated.length);
    await dest.start();
    const done = await until(sent.body.id, 'the retried send done', (j) => j.state === 'done' || j.state === 'failed', 3 * SEND_RETRY_MS + 30_000);
    assert.equal(done.state, 'done', JSON.stringify(done));
    assert.ok(done.attempts > 1, `attempts ${done.attempts}`);
    assert.deepEqual(received(dest.dir, generated).sort(), generated.map((g) => g.sopInstanceUid).sort());
  });

  test('cancel a queued job → cancelled, 409 when cancelled again, and it is never sent', async () => {
    const dest = await destination('DEADEND');
    const sent = await post<Job>('/api/jobs/send', { destination: 'DEADEND', studyInstanceUid: study });
    assert.equal(sent.status, 202, JSON.stringify(sent.body));
    await until(sent.body.id, 'a failed first attempt', (j) => j.lastError !== null && j.state === 'queued');
    const cancelled = await post<Job>(`/api/jobs/${sent.body.id}/cancel`, {});
    assert.equal(cancelled.status, 200, JSON.stringify(cancelled.body));
    assert.equal(cancelled.body.state, 'cancelled');
    assert.ok(cancelled.body.finishedAt);
    const again = await post<{ detail: string }>(`/api/jobs/${sent.body.id}/cancel`, {});
    assert.equal(again.status, 409);
    assert.match(again.body.detail, /cancelled/);
    // The destination comes up; the job's retry would have run by now had it not been cancelled.
    await dest.start();
    const retryDue = Date.parse(cancelled.body.updatedAt) + SEND_RETRY_MS + 2_000;
    await new Promise((r) => setTimeout(r, Math.max(0, retryDue - Date.now())));
    const later = await job(sent.body.id);
    assert.equal(later.state, 'cancelled');
    assert.equal(later.attempts, 1);
    assert.deepEqual(readdirSync(dest.dir), []);
    const list = await json<{ items: Job[]; total: number }>('/api/jobs?state=cancelled');
    assert.ok(list.body.items.some((j) => j.id === sent.body.id));
    assert.ok(list.body.items.every((j) => j.state === 'cancelled'));
  });

  test('bad input → 400 naming the field; unknown study/series → 404; unusable destination → 422', async () => {
    await destination('NOMOVE', { retrieve: false });
    const cases: { body: unknown; status: number; detail: RegExp }[] = [
      { body: { destination: 'SENDDEST', studyInstanceUid: 'not-a-uid' }, status: 400, detail: /studyInstanceUid/ },
      { body: { destination: 'SENDDEST', studyInstanceUid: study, seriesInstanceUid: '1.02' }, status: 400, detail: /seriesInstanceUid/ },
      { body: { studyInstanceUid: study }, status: 400, detail: /destination/ },
      { body: { destination: 'SENDDEST', studyInstanceUid: study, sereisInstanceUid: firstSeries }, status: 400, detail: /sereisInstanceUid: unknown field/ },
      { body: [], status: 400, detail: /JSON object/ },
      { body: { destination: 'SENDDEST', studyInstanceUid: '1.2.3.999' }, status: 404, detail: /no study 1\.2\.3\.999/ },
      { body: { destination: 'SENDDEST', studyInstanceUid: study, seriesInstanceUid: '1.2.3.999' }, status: 404, detail: /no series 1\.2\.3\.999/ },
      { body: { destination: 'NOWHERE', studyInstanceUid: study }, status: 422, detail: /NOWHERE is not in the AE map/ },
      { body: { destination: 'MODALITY', studyInstanceUid: study }, status: 422, detail: /MODALITY has no host and port/ },
      { body: { destination: 'NOMOVE', studyInstanceUid: study }, status: 422, detail: /NOMOVE is not allowed to retrieve/ },
    ];
    const before = (await json<{ total: number }>('/api/jobs')).body.total;
    for (const c of cases) {
      const r = await post<{ detail: string; status: number }>('/api/jobs/send', c.body);
      assert.equal(r.status, c.status, `${JSON.stringify(c.body)} → ${JSON.stringify(r.body)}`);
      assert.match(r.body.detail, c.detail);
    }
    assert.equal((await json<{ total: number }>('/api/jobs')).body.total, before, 'no job was added');
    assert.match((await json<{ detail: string }>('/api/jobs?state=bogus')).body.detail, /state must be one of/);
    assert.equal((await json('/api/jobs?limit=0')).status, 400);
    assert.equal((await json('/api/jobs/abc')).status, 400);
    assert.equal((await json('/api/jobs/987654321')).status, 404);
    assert.equal((await post('/api/jobs/987654321/cancel', {})).status, 404);
  });

  test('a viewer lists and reads jobs but may not send (403) or cancel (403)', async () => {
    const list = await json<{ items: Job[]; total: number }>('/api/jobs?limit=2', { token: viewer });
    assert.equal(list.status, 200);
    assert.ok(list.body.total >= 4);
    assert.equal(list.body.items.length, 2);
    assert.ok(Number(list.body.items[0]!.id) > Number(list.body.items[1]!.id), 'newest first');
    assert.equal((await json(`/api/jobs/${list.body.items[0]!.id}`, { token: viewer })).status, 200);
    const send = await post<{ detail: string }>('/api/jobs/send', { destination: 'SENDDEST', studyInstanceUid: study }, viewer);
    assert.equal(send.status, 403);
    assert.match(send.body.detail, /operator/);
    assert.equal((await post(`/api/jobs/${list.body.items[0]!.id}/cancel`, {}, viewer)).status, 403);
    assert.equal((await json<{ total: number }>('/api/jobs')).body.total, list.body.total);
  });
});
