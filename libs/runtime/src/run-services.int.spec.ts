// runServices' readiness while the services start: /readyz (the health registry the probe server
// answers from) fails, naming the service, until the last service has started, so a balancer
// sends no association to a pod whose DICOM port is not open yet.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { HealthReport } from '@pacs/platform';
import { runServices } from './run-services';
import type { PacsService } from './service-context';

test('/readyz fails until every service has started', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'pacs-run-services-'));
  let during: HealthReport | undefined;
  const services: PacsService[] = [
    { name: 'quick', start: async () => undefined },
    // Still inside its start(): what a probe would be told now.
    { name: 'slow', start: async (ctx) => void (during = await ctx.health.ready()) },
  ];
  const running = await runServices('run-services-test', services, {
    env: {},
    installSignalHandlers: false,
    overrides: { dataDir, log: { level: 'silent' }, http: { host: '127.0.0.1', port: 0 }, telemetry: { prometheus: { port: 0, host: '127.0.0.1' } } },
  });
  try {
    assert.equal(during?.status, 'failing');
    assert.deepEqual(during?.checks['started'], { ok: false, error: 'still starting slow' });

    const after = await running.context.health.ready();
    assert.equal(after.status, 'ok', JSON.stringify(after));
    assert.deepEqual(after.checks['started'], { ok: true });
  } finally {
    await running.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
