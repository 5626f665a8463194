// The web UI end to end (issue 7) in headless Chromium (Debian's, driven by playwright-core):
// the embedded PACS with auth on serves the UI built from apps/web-ui; a person logs in with
// the API token, finds the study storescu sent by patient name, opens it, adds a DCMTK storescp
// to the AE map, sends the study there as a job and sees it done (and the files arrive), deletes
// a series, and looks at the status dashboard. Screenshots of each page go to
// test-artifacts/ui/. Waiting is on elements and text only; the timeouts are hang guards.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { makeDataset, ROOT, startPacsProcess, storeAndWaitIndexed, type PacsProcess } from '@pacs/testing';
import { freePort, startDaemon, type Daemon } from '../interop/support/processes';

const ADMIN_TOKEN = 'admin-token-for-the-web-ui-test-0123456789';
const SHAPE = { patients: 2, studiesPerPatient: 1, seriesPerStudy: 2, instancesPerSeries: 2, size: 8 };
const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const SCREENSHOTS = join(ROOT, 'test-artifacts/ui');
const HANG_GUARD_MS = 60_000;
const OHIF_URL = 'http://127.0.0.1:3000/ohif';

describe('web UI in headless Chromium (embedded, auth on)', () => {
  const work = mkdtempSync(join(tmpdir(), 'pacs-web-ui-e2e-'));
  const generated = makeDataset(join(work, 'dataset'), SHAPE);
  const patient1 = generated.filter((g) => g.patientId === 'PID0001');
  const study = patient1[0]!.studyInstanceUid;
  const received = join(work, 'received');
  let pacs: PacsProcess;
  let storescp: Daemon;
  let storescpPort: number;
  let browser: Browser;
  let page: Page;
  let base: string;

  const api = (path: string, init: RequestInit = {}): Promise<Response> =>
    fetch(`${base}${path}`, { ...init, headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...init.headers } });
  const instanceCount = async (): Promise<number> => ((await (await api('/api/statistics')).json()) as { instances: number }).instances;
  const screenshot = (name: string): Promise<Buffer> => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });

  before(async () => {
    // The UI as `npm run build` makes it, built into this test's own directory.
    const uiDir = join(work, 'web-ui');
    const built = spawnSync(process.execPath, ['scripts/build-web-ui.mjs', uiDir], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(built.status, 0, `web UI build failed: ${built.stderr}`);
    mkdirSync(SCREENSHOTS, { recursive: true });
    mkdirSync(received);

    const config = join(work, 'pacs.yaml');
    writeFileSync(config, ['aeMap:', '  - { aeTitle: MODALITY }', ''].join('\n'));
    pacs = startPacsProcess('all-in-one', {
      PACS_CONFIG: config, PACS_HTTP__AUTH__ENABLED: 'true', PACS_HTTP__AUTH__ADMINTOKEN: ADMIN_TOKEN, PACS_HTTP__UIDIR: uiDir, PACS_HTTP__OHIFURL: OHIF_URL,
    });
    const dicom = await pacs.listeningPort('DICOM');
    base = `http://127.0.0.1:${await pacs.listeningPort('HTTP')}`;
    await storeAndWaitIndexed(dicom, generated.map((g) => g.path), instanceCount);

    storescpPort = await freePort();
    storescp = await startDaemon('storescp', ['-aet', 'UIDEST', '+B', '-od', received, String(storescpPort)], storescpPort);

    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
    page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    page.setDefaultTimeout(HANG_GUARD_MS);
  });
  after(async () => {
    await browser?.close();
    await storescp?.stop();
    await pacs?.stop('SIGKILL');
    rmSync(work, { recursive: true, force: true });
  });

  test('the UI is served at / without a token; the API still wants one', async () => {
    const index = await fetch(`${base}/`);
    assert.equal(index.status, 200);
    assert.match(await index.text(), /<div id="root"><\/div>/);
    assert.equal((await fetch(`${base}/api/studies`)).status, 401);
  });

  test('GET /api/statistics?include=tiers: objects and bytes per tier; another include is a 400 naming it', async () => {
    const usage = (await (await api('/api/statistics?include=tiers')).json()) as { instances: number; tiers: { tier: string; objects: number; bytes: number }[] };
    assert.deepEqual(usage.tiers.map((t) => [t.tier, t.objects]), [['primary', generated.length]]);
    assert.ok(usage.tiers[0]!.bytes > 0);
    const bad = await api('/api/statistics?include=everything');
    assert.equal(bad.status, 400);
    assert.match(((await bad.json()) as { detail: string }).detail, /^include:/);
  });

  test('login: a wrong token shows the server\'s problem detail; the admin token opens the study list', async () => {
    await page.goto(`${base}/`);
    await page.getByLabel('API token').fill('not-a-valid-token-at-all');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'unknown or revoked API token' }).waitFor();
    await screenshot('01-login');
    await page.getByLabel('API token').fill(ADMIN_TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Studies' }).waitFor();
    await page.getByTestId('pager-range').filter({ hasText: 'of 2' }).waitFor();
  });

  test('study list: search by patient name with a wildcard, any case → the one study', async () => {
    await page.getByLabel('Patient name').fill('test^patient1*');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByTestId('pager-range').filter({ hasText: '1–1 of 1' }).waitFor();
    const rows = page.getByTestId('study-table').locator('tbody tr');
    assert.equal(await rows.count(), 1);
    assert.match(await rows.first().innerText(), /TEST, PATIENT1[\s\S]*PID0001/);
    await screenshot('02-study-list');
  });

  test('study list: date range, modality and accession filters reach the API', async () => {
    const range = page.getByTestId('pager-range');
    await page.getByLabel('Patient name').fill('');
    await page.getByLabel('From').fill('2026-01-15');
    await page.getByLabel('To').fill('2026-01-15');
    await page.getByRole('button', { name: 'Search' }).click();
    await range.filter({ hasText: '1–2 of 2' }).waitFor();
    await page.getByLabel('Modality').fill('mr');
    await page.getByRole('button', { name: 'Search' }).click();
    await range.filter({ hasText: 'No results' }).waitFor();
    await page.getByLabel('Modality').fill('CT');
    await page.getByLabel('Accession').fill('NO-SUCH-ACCESSION');
    await page.getByRole('button', { name: 'Search' }).click();
    await range.filter({ hasText: 'No results' }).waitFor();
    await page.getByRole('button', { name: 'Clear' }).click();
    await range.filter({ hasText: '1–2 of 2' }).waitFor();
    await page.getByLabel('Patient name').fill('test^patient1*');
    await page.getByRole('button', { name: 'Search' }).click();
    await range.filter({ hasText: '1–1 of 1' }).waitFor();
  });

  test('study details: patient and study attributes, its two series with thumbnails, the OHIF link', async () => {
    await page.getByRole('link', { name: 'TEST, PATIENT1' }).click();
    await page.getByTestId('study-title').filter({ hasText: 'TEST, PATIENT1' }).waitFor();
    const series = page.getByTestId('series-list').locator('li');
    await series.nth(1).waitFor();
    assert.equal(await series.count(), 2);
    // Thumbnails come from GET /api/series/:uid/thumbnail with the token, shown as blob: URLs.
    await series.locator('img.thumb').nth(1).waitFor();
    for (const src of await series.locator('img.thumb').evaluateAll((imgs) => imgs.map((i) => i.getAttribute('src') ?? ''))) assert.match(src, /^blob:/);
    assert.equal(await page.getByRole('link', { name: 'Open in OHIF' }).getAttribute('href'), `${OHIF_URL}/viewer?StudyInstanceUIDs=${study}`);
    assert.match(await page.getByLabel('Patient', { exact: true }).innerText(), /PID0001/);
    assert.match(await page.getByLabel('Study', { exact: true }).innerText(), new RegExp(study.replace(/\./g, '\\.')));
    await screenshot('03-study');
  });

  test('AE map editor: a bad port shows the 400 detail naming the field; the storescp is added, then edited', async () => {
    await page.getByRole('link', { name: 'AE map' }).click();
    await page.getByRole('button', { name: 'Add AE' }).click();
    const form = page.getByRole('form', { name: 'Add AE' });
    await form.getByLabel('AE title').fill('UIDEST');
    await form.getByLabel('Host').fill('127.0.0.1');
    await form.getByLabel('Port').fill('99999');
    await form.getByRole('button', { name: 'Save' }).click();
    await form.getByRole('alert').filter({ hasText: 'port' }).waitFor();
    await form.getByLabel('Port').fill(String(storescpPort));
    await form.getByRole('button', { name: 'Save' }).click();
    const row = page.locator('tr[data-ae="UIDEST"]');
    await row.waitFor();
    assert.match(await row.innerText(), new RegExp(`127\\.0\\.0\\.1\\s+${storescpPort}`));

    await row.getByRole('button', { name: 'Edit' }).click();
    const edit = page.getByRole('form', { name: 'Edit AE' });
    await edit.getByLabel('Description').fill('storescp of the UI test');
    await edit.getByRole('button', { name: 'Save' }).click();
    await row.filter({ hasText: 'storescp of the UI test' }).waitFor();
    const entries = ((await (await api('/api/ae-map')).json()) as { items: { aeTitle: string; port: number; description?: string }[] }).items;
    assert.deepEqual(entries.filter((e) => e.aeTitle === 'UIDEST').map((e) => [e.port, e.description]), [[storescpPort, 'storescp of the UI test']]);
    await screenshot('04-ae-map');
  });

  test('send to AE: a send job of the study reaches done on the jobs page and storescp has every instance', async () => {
    await page.goto(`${base}/#/studies/${study}`);
    const form = page.getByRole('form', { name: 'Send to AE' });
    await form.getByLabel('Destination').selectOption('UIDEST');
    await form.getByRole('button', { name: 'Send' }).click();
    await form.getByRole('status').filter({ hasText: 'Send job' }).waitFor();
    await page.getByRole('link', { name: 'Jobs' }).first().click();
    await page.getByTestId('jobs-table').locator('tbody tr').filter({ hasText: 'UIDEST' }).getByTestId('job-state').filter({ hasText: 'done' }).waitFor();
    await screenshot('05-jobs');
    const files = readdirSync(received);
    assert.equal(files.length, patient1.length, files.join(', '));
  });

  test('delete a series: confirmed in a dialog, gone from the study and from the API', async () => {
    const doomed = patient1[0]!.seriesInstanceUid;
    await page.goto(`${base}/#/studies/${study}`);
    const card = page.locator(`li[data-series-uid="${doomed}"]`);
    await card.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete series' }).click();
    await page.getByRole('status').filter({ hasText: 'deleted (2 instances)' }).waitFor();
    await card.waitFor({ state: 'detached' });
    assert.equal(await page.getByTestId('series-list').locator('li').count(), 1);
    await screenshot('06-series-deleted');
    const instances = await api(`/api/series/${doomed}/instances`);
    assert.equal(instances.status, 404);
    assert.equal(await instanceCount(), generated.length - 2);
  });

  test('status dashboard: readiness, counts, tiers and the two charts from polled values', async () => {
    await page.getByRole('link', { name: 'Status' }).click();
    await page.getByTestId('ready').filter({ hasText: 'ok' }).waitFor();
    await page.getByTestId('instance-count').filter({ hasText: String(generated.length - 2) }).waitFor();
    assert.match(await page.getByTestId('counts').innerText(), /Patients\s+2\s+Studies\s+2/);
    await page.locator('tr[data-tier="primary"] td.num').first().filter({ hasText: String(generated.length - 2) }).waitFor();
    // A line of two samples or more ("M… L…"): throughput needs two polls (the first one is
    // the base), the lag one sample per poll. A flat line at 0 has no height: wait for it attached.
    await page.getByTestId('chart-throughput').locator('path.line[d*=" L"]').waitFor({ state: 'attached' });
    await page.getByTestId('chart-lag').locator('path.line[d*=" L"]').waitFor({ state: 'attached' });
    assert.ok((await page.getByTestId('checks').locator('li').count()) > 0);
    await screenshot('07-status');
  });
});

describe('web UI with auth off (the embedded default)', () => {
  let pacs: PacsProcess;
  let browser: Browser;
  const work = mkdtempSync(join(tmpdir(), 'pacs-web-ui-open-'));

  before(async () => {
    const uiDir = join(work, 'web-ui');
    const built = spawnSync(process.execPath, ['scripts/build-web-ui.mjs', uiDir], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(built.status, 0, `web UI build failed: ${built.stderr}`);
    pacs = startPacsProcess('all-in-one', { PACS_HTTP__UIDIR: uiDir });
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
  });
  after(async () => {
    await browser?.close();
    await pacs?.stop('SIGKILL');
    rmSync(work, { recursive: true, force: true });
  });

  test('no login page: the study list opens at once, without Sign out', async () => {
    const http = await pacs.listeningPort('HTTP');
    const page = await browser.newPage();
    page.setDefaultTimeout(HANG_GUARD_MS);
    await page.goto(`http://127.0.0.1:${http}/`);
    await page.getByTestId('pager-range').filter({ hasText: 'No results' }).waitFor();
    assert.equal(await page.getByLabel('API token').count(), 0);
    assert.equal(await page.getByRole('button', { name: 'Sign out' }).count(), 0);
  });
});
