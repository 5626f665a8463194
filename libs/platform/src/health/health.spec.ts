import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { pino } from 'pino';
import { Shutdown } from '../lifecycle/shutdown';
import { HealthRegistry } from './health';

describe('readiness and drain', () => {
  test('ready when every check passes; a failing check names itself', async () => {
    const health = new HealthRegistry();
    health.addReadinessCheck('bus', async () => undefined);
    assert.equal((await health.ready()).status, 'ok');
    health.addReadinessCheck('storage', async () => {
      throw new Error('connection refused');
    });
    const report = await health.ready();
    assert.equal(report.status, 'failing');
    assert.deepEqual(report.checks['storage'], { ok: false, error: 'connection refused' });
  });

  test('a check that never answers fails instead of hanging the probe', async () => {
    const health = new HealthRegistry(20);
    health.addReadinessCheck('stuck', () => new Promise(() => undefined));
    assert.equal((await health.ready()).checks['stuck']?.ok, false);
  });

  test('shutdown fails readiness first, then runs hooks last-in first-out, once', async () => {
    const health = new HealthRegistry();
    const shutdown = new Shutdown(pino({ level: 'silent' }), health, 5_000);
    const order: string[] = [];
    shutdown.onShutdown('database', async () => void order.push(`database draining=${health.isDraining}`));
    shutdown.onShutdown('listener', async () => void order.push('listener'));
    await Promise.all([shutdown.run(), shutdown.run()]);
    assert.deepEqual(order, ['listener', 'database draining=true']);
    assert.equal((await health.ready()).status, 'failing');
  });

  test('a hook that hangs is cut off by the shutdown timeout', async () => {
    const shutdown = new Shutdown(pino({ level: 'silent' }), new HealthRegistry(), 20);
    shutdown.onShutdown('stuck', () => new Promise(() => undefined));
    await assert.rejects(shutdown.run(), /shutdown timed out/);
  });
});
