// runServices' readiness while the services start: the probe server answers at once, and /readyz
// fails (naming the service) until the last service has started, so a balancer sends no
// association to a pod whose DICOM port is not open yet.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runServices } from './run-services';
import type { PacsService } from './service-context';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function readyz(port: number): Promise<{ status: number; body: { checks: Record<string, { ok: boolean; error?: string }> } }> {
  for (;;) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/readyz`);
      return { status: res.status, body: (await res.json()) as { checks: Record<string, { ok: boolean; error?: string }> } };
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

test('/readyz fails until every service has started', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'pacs-run-services-'));
  const port = await freePort();
  let release!: () => void;
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  const services: PacsService[] = [
    { name: 'quick', start: async () => undefined },
    { name: 'slow', start: () => gate },
  ];
  const running = runServices('run-services-test', services, {
    env: {},
    installSignalHandlers: false,
    overrides: { dataDir, log: { level: 'silent' }, http: { host: '127.0.0.1', port }, telemetry: { prometheus: { port: 0, host: '127.0.0.1' } } },
  });
  try {
    const before = await readyz(port);
    assert.equal(before.status, 503);
    assert.deepEqual(before.body.checks['started'], { ok: false, error: 'still starting slow' });

    release();
    const process = await running;
    const after = await readyz(port);
    assert.equal(after.status, 200, JSON.stringify(after.body));
    assert.deepEqual(after.body.checks['started'], { ok: true });
    await process.stop();
  } finally {
    release();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
