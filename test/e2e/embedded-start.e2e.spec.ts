import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, describe, test } from 'node:test';
import { startPacsProcess, type PacsProcess } from '@pacs/testing';

// The README's first command, as a new user runs it: the all-in-one app on the embedded
// defaults (PGlite, in-process bus, filesystem storage), then probes, then SIGTERM.
describe('embedded all-in-one process', () => {
  const running: PacsProcess[] = [];
  after(async () => {
    await Promise.all(running.map((p) => p.stop('SIGKILL')));
  });

  test('starts on the embedded defaults, reports ready, serves status, and drains on SIGTERM', async () => {
    const pacs = startPacsProcess('all-in-one');
    running.push(pacs);
    const listening = await pacs.waitForLog((l) => l['msg'] === 'HTTP listening', 'HTTP listening');
    const base = `http://127.0.0.1:${String(listening['port'])}`;
    await pacs.waitForLog((l) => l['msg'] === 'service started' && l['service'] === 'scp-listener', 'all services started');

    assert.equal((await fetch(`${base}/healthz`)).status, 200);
    const ready = await fetch(`${base}/readyz`);
    const report = (await ready.json()) as { status: string; checks: Record<string, { ok: boolean }> };
    assert.equal(ready.status, 200, JSON.stringify(report));
    assert.deepEqual(Object.keys(report.checks).sort(), ['bus', 'database', 'started', 'storage']);

    const status = (await (await fetch(`${base}/api/status`)).json()) as { mode: string; config: { database: { driver: string } } };
    assert.equal(status.mode, 'embedded');
    assert.equal(status.config.database.driver, 'pglite');
    const missing = await fetch(`${base}/api/no-such-endpoint`);
    assert.equal(missing.status, 404);
    assert.equal(missing.headers.get('content-type')?.split(';')[0], 'application/problem+json');
    // Any other path is the web UI's: its client-side routes fall back to index.html, or, before
    // the UI is built (npm run build), a 404 problem says so.
    const ui = await fetch(`${base}/studies`);
    if (existsSync('dist/web-ui/index.html')) {
      assert.equal(ui.status, 200);
      assert.equal(ui.headers.get('content-type')?.split(';')[0], 'text/html');
    } else {
      assert.equal(ui.status, 404);
      assert.match(((await ui.json()) as { detail: string }).detail, /web UI is not built/);
    }

    pacs.child.kill('SIGTERM');
    assert.equal(await pacs.exited, 0);
    assert.ok(pacs.logs.some((l) => l['msg'] === 'shutdown complete'));
  });

  test('a bad configuration value stops start-up with one line naming the key', async () => {
    const pacs = startPacsProcess('all-in-one', { PACS_HTTP__PORT: 'abc' });
    running.push(pacs);
    assert.equal(await pacs.exited, 78);
    assert.deepEqual(pacs.stderr, ['config error: http.port: expected number, got string (from PACS_HTTP__PORT="abc")']);
  });
});
