// Forwarding rules edited through admin-api (issue 8: "configured in the DB and editable through
// admin-api"), end to end on the embedded system with auth on: a rule created over REST forwards
// the next received study to a DCMTK storescp (an AE added over REST too) without any restart;
// configured rules stay the configuration's; bad rules are 400s naming the field.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { waitFor, makeDataset, startPacsProcess, type PacsProcess } from '@pacs/testing';
import { freePort, run, startDaemon, type Daemon } from '../interop/support/processes';

const ADMIN_TOKEN = 'admin-token-for-the-forward-rules-e2e-0123456789';

describe('forwarding rules over REST (embedded, auth on)', () => {
  const work = mkdtempSync(join(tmpdir(), 'pacs-rules-e2e-'));
  const generated = makeDataset(join(work, 'dataset'), { patients: 1, studiesPerPatient: 1, seriesPerStudy: 2, instancesPerSeries: 2, size: 8 });
  const received = join(work, 'received');
  const daemons: Daemon[] = [];
  let pacs: PacsProcess;
  let http: number;
  let dicom: number;
  const call = async (method: string, path: string, body?: unknown, token: string | null = ADMIN_TOKEN): Promise<{ status: number; body: Record<string, unknown> }> => {
    const headers = new Headers({ 'content-type': 'application/json' });
    if (token) headers.set('authorization', `Bearer ${token}`);
    const res = await fetch(`http://127.0.0.1:${http}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  before(async () => {
    const config = join(work, 'pacs.yaml');
    writeFileSync(config, [
      'aeMap:', '  - { aeTitle: MODALITY }',
      'archiver:', '  forwardRules:', '    - { name: configured-rule, destination: NOWHERE, match: { modality: XA } }', '',
    ].join('\n'));
    pacs = startPacsProcess('all-in-one', {
      PACS_CONFIG: config, PACS_HTTP__AUTH__ENABLED: 'true', PACS_HTTP__AUTH__ADMINTOKEN: ADMIN_TOKEN, PACS_ARCHIVER__POLLINTERVALMS: '200',
    });
    dicom = await pacs.listeningPort('DICOM');
    http = await pacs.listeningPort('HTTP');
  });
  after(async () => {
    await Promise.all(daemons.map((d) => d.stop()));
    await pacs?.stop('SIGKILL');
    rmSync(work, { recursive: true, force: true });
  });

  test('a rule created over REST forwards the next study to an AE added over REST, with no restart', async () => {
    const port = await freePort();
    const ae = await call('POST', '/api/ae-map', { aeTitle: 'RULEDEST', host: '127.0.0.1', port });
    assert.equal(ae.status, 201, JSON.stringify(ae.body));
    daemons.push(await startDaemon('storescp', ['-aet', 'RULEDEST', '+B', '-od', mkdtempSync(received), String(port)], port));
    const created = await call('PUT', '/api/forward-rules/ct-out', { destination: 'RULEDEST', match: { modality: 'CT' }, level: 'study', stableMs: 300 });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal((created.body['definition'] as Record<string, unknown>)['level'], 'study');
    const listed = await call('GET', '/api/forward-rules');
    assert.deepEqual((listed.body['items'] as { name: string; source: string }[]).map((r) => [r.name, r.source]), [['configured-rule', 'config'], ['ct-out', 'api']]);

    const r = await run('storescu', ['-aet', 'MODALITY', '-aec', 'PACS', '127.0.0.1', String(dicom), ...generated.map((g) => g.path)], { timeoutMs: 120_000 });
    assert.equal(r.code, 0, r.output);
    const dir = readdirSync(work).map((d) => join(work, d)).find((d) => d.startsWith(received)) as string;
    await waitFor('storescp received every instance', async () => (readdirSync(dir).length >= generated.length ? true : undefined));
    const files = readdirSync(dir).map((f) => readFileSync(join(dir, f)));
    for (const g of generated) assert.ok(files.some((bytes) => bytes.subarray(bytes.length - g.dataSet.length).equals(g.dataSet)), `${g.sopInstanceUid} forwarded byte for byte`);
    const jobs = await call('GET', '/api/jobs?kind=forward');
    const forward = (jobs.body['items'] as { state: string; destination: string; level: string }[]).filter((j) => j.destination === 'RULEDEST');
    assert.deepEqual(forward.map((j) => [j.state, j.level]), [['done', 'study']], 'one study-level job, done');
  });

  test('replace (200), read, delete (200, then 404)', async () => {
    const replaced = await call('PUT', '/api/forward-rules/ct-out', { name: 'ct-out', destination: 'RULEDEST', match: { modality: ['CT', 'MR'] } });
    assert.equal(replaced.status, 200, JSON.stringify(replaced.body));
    const read = await call('GET', '/api/forward-rules/ct-out');
    assert.deepEqual((read.body['definition'] as Record<string, unknown>)['match'], { modality: ['CT', 'MR'] });
    assert.equal((read.body['definition'] as Record<string, unknown>)['level'], 'instance', 'defaults filled in');
    assert.equal((await call('DELETE', '/api/forward-rules/ct-out')).status, 200);
    assert.equal((await call('GET', '/api/forward-rules/ct-out')).status, 404);
    assert.equal((await call('DELETE', '/api/forward-rules/ct-out')).status, 404);
  });

  test('bad rules are 400s naming the field; configured rules are 409s; a viewer cannot change rules', async () => {
    const problems: [unknown, RegExp][] = [
      [{ destination: 'RULEDEST', level: 'patient' }, /^level: /],
      [{ destination: 'RULEDEST', level: 'instance', stableMs: 1000 }, /^stableMs: /],
      [{ level: 'study' }, /^destination: /],
      [{ name: 'other', destination: 'RULEDEST' }, /^name: /],
      [{ destination: 'RULEDEST', colour: 'blue' }, /colour/],
      [[1, 2], /^body: /],
    ];
    for (const [body, detail] of problems) {
      const r = await call('PUT', '/api/forward-rules/bad', body);
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.match(String(r.body['detail']), detail, JSON.stringify(r.body));
    }
    assert.equal((await call('GET', '/api/forward-rules/bad')).status, 404, 'nothing stored by a bad request');
    const configured = await call('PUT', '/api/forward-rules/configured-rule', { destination: 'RULEDEST' });
    assert.equal(configured.status, 409);
    assert.match(String(configured.body['detail']), /archiver\.forwardRules/);
    assert.equal((await call('DELETE', '/api/forward-rules/configured-rule')).status, 409);
    const viewer = await call('POST', '/api/tokens', { name: 'rules-reader', role: 'viewer' });
    assert.equal(viewer.status, 201);
    assert.equal((await call('PUT', '/api/forward-rules/x', { destination: 'RULEDEST' }, viewer.body['token'] as string)).status, 403);
    assert.equal((await call('GET', '/api/forward-rules', undefined, viewer.body['token'] as string)).status, 200);
  });
});
