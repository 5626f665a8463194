// serveWebUi on a real Nest/Express server: the built UI's files with their cache headers, the
// SPA fallback for client routes, the API paths left to the API, and a 404 problem when the UI
// is not built. The "built UI" is a small directory laid out as Vite writes it.
import 'reflect-metadata';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { serveWebUi } from './serve-web-ui';

@Controller('api')
class PingController {
  @Get('ping')
  ping(): { pong: true } {
    return { pong: true };
  }
}

@Module({ controllers: [PingController] })
class PingModule {}

async function serve(dir: string, ohifUrl?: string): Promise<{ app: NestExpressApplication; base: string }> {
  const app = await NestFactory.create<NestExpressApplication>(PingModule, { logger: false, abortOnError: false });
  serveWebUi(app, dir, { ohifUrl });
  await app.listen(0, '127.0.0.1');
  return { app, base: `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}` };
}

describe('web UI serving (admin-api)', () => {
  const work = mkdtempSync(join(tmpdir(), 'pacs-web-ui-'));
  const built = join(work, 'web-ui');
  const INDEX = '<!doctype html><div id="root"></div><script type="module" src="/assets/index-Ab12.js"></script>';
  let withUi: { app: NestExpressApplication; base: string };
  let withoutUi: { app: NestExpressApplication; base: string };

  before(async () => {
    mkdirSync(join(built, 'assets'), { recursive: true });
    writeFileSync(join(built, 'index.html'), INDEX);
    writeFileSync(join(built, 'assets/index-Ab12.js'), 'console.log("ui")');
    writeFileSync(join(built, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    withUi = await serve(built, 'https://viewer.example.org/ohif/');
    withoutUi = await serve(join(work, 'never-built'));
  });
  after(async () => {
    await withUi?.app.close();
    await withoutUi?.app.close();
    rmSync(work, { recursive: true, force: true });
  });

  test('/ is index.html, revalidated on every load, not frameable', async () => {
    const res = await fetch(`${withUi.base}/`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /text\/html/);
    assert.equal(res.headers.get('cache-control'), 'no-cache');
    assert.match(res.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
    assert.equal(await res.text(), INDEX);
  });

  test('hashed assets are immutable; other files are revalidated', async () => {
    const asset = await fetch(`${withUi.base}/assets/index-Ab12.js`);
    assert.equal(asset.status, 200);
    assert.match(asset.headers.get('content-type') ?? '', /javascript/);
    assert.equal(asset.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    await asset.text();
    const icon = await fetch(`${withUi.base}/favicon.svg`);
    assert.equal(icon.headers.get('cache-control'), 'no-cache');
    await icon.text();
  });

  test('client routes fall back to index.html; a missing file is a 404, not the page', async () => {
    const route = await fetch(`${withUi.base}/studies/1.2.3`);
    assert.equal(route.status, 200);
    assert.equal(await route.text(), INDEX);
    const missing = await fetch(`${withUi.base}/assets/gone-123.js`);
    assert.equal(missing.status, 404);
    assert.doesNotMatch(await missing.text(), /<div id="root">/);
  });

  test('API paths stay with the API: routes answer, unknown ones are 404 JSON, never index.html', async () => {
    const ping = await fetch(`${withUi.base}/api/ping`);
    assert.deepEqual(await ping.json(), { pong: true });
    for (const path of ['/api/nothing-here', '/dicom-web/nothing', '/healthz/x']) {
      const res = await fetch(`${withUi.base}${path}`);
      assert.equal(res.status, 404, path);
      assert.doesNotMatch(await res.text(), /<div id="root">/, path);
    }
  });

  test('GET /api/ui-config tells the OHIF viewer URL (no token needed, trailing slash dropped)', async () => {
    assert.deepEqual(await (await fetch(`${withUi.base}/api/ui-config`)).json(), { ohifUrl: 'https://viewer.example.org/ohif' });
    assert.deepEqual(await (await fetch(`${withoutUi.base}/api/ui-config`)).json(), { ohifUrl: null });
  });

  test('without a built UI, / answers a 404 problem saying so; the API still works', async () => {
    const res = await fetch(`${withoutUi.base}/`);
    assert.equal(res.status, 404);
    assert.match(res.headers.get('content-type') ?? '', /application\/problem\+json/);
    const problem = (await res.json()) as { status: number; detail: string };
    assert.equal(problem.status, 404);
    assert.match(problem.detail, /web UI is not built/);
    assert.match(problem.detail, /never-built/);
    assert.deepEqual(await (await fetch(`${withoutUi.base}/api/ping`)).json(), { pong: true });
  });
});
