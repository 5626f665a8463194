import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ConfigError, loadConfig } from '@pacs/platform';
import type { K8sObject } from '../../tools/k8s/render-chart';
import { REPO_ROOT, VALUE_SETS, configMapData, objectsOf, podSpec, render, workloads, type ContainerSpec } from './chart-fixtures';

// The environment each rendered container gets (ConfigMap + env, Secrets stood in by
// placeholders) is fed to the real configuration loader: every PACS_* variable the chart
// sets must name a key of the config schema and hold a valid value, or the pod would exit
// at start with status 78.

/** Dockerfile ENV lines: part of every container's environment. */
function imageEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  const text = readFileSync(join(REPO_ROOT, 'Dockerfile'), 'utf8').replace(/\\\n/g, ' ');
  for (const line of text.split('\n').filter((l) => l.startsWith('ENV '))) {
    for (const m of line.slice(4).matchAll(/([A-Z_][A-Z0-9_]*)=(\S+)/g)) env[m[1] as string] = m[2] as string;
  }
  return env;
}

/** What the kubelet would put in the container's environment, secrets as placeholders. */
function containerEnv(objects: readonly K8sObject[], c: ContainerSpec): Record<string, string> {
  const env: Record<string, string> = { ...imageEnv() };
  for (const from of c.envFrom ?? []) if (from.configMapRef) Object.assign(env, configMapData(objects, from.configMapRef.name));
  for (const e of c.env ?? []) {
    const ref = e.valueFrom?.secretKeyRef;
    if (ref) env[e.name] = `secret-${ref.name}-${ref.key}`;
    else env[e.name] = (e.value ?? '').replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (whole, name: string) => env[name] ?? whole);
  }
  return env;
}

describe('rendered environments pass the PACS configuration loader', () => {
  for (const [name, values] of Object.entries(VALUE_SETS)) {
    test(`${name}: every container's PACS_* variables load as a valid cluster configuration`, () => {
      const objects = objectsOf(render(values));
      for (const w of workloads(objects)) {
        for (const c of podSpec(w).containers) {
          let config;
          try {
            config = loadConfig({ env: containerEnv(objects, c), argv: [] });
          } catch (err) {
            assert.fail(`${w.metadata.name}/${c.name}: ${err instanceof Error ? err.message : String(err)}`);
          }
          assert.equal(config.mode, 'cluster');
          assert.equal(config.database.driver, 'postgres');
          assert.equal(config.bus.driver, 'nats');
          assert.equal(config.storage.driver, 's3');
          assert.equal(config.dicom.acceptUnknownCallingAe, false, 'cluster mode refuses unknown calling AEs by default');
          assert.equal(config.shutdownTimeoutMs, 30_000);
          assert.match(config.database.url ?? '', /^secret-|^postgres:\/\//);
        }
      }
    });
  }

  test('the listener with TLS gets the mounted certificate paths and client verification', () => {
    const objects = objectsOf(render(VALUE_SETS['DICOM TLS with client certificates']));
    const listener = workloads(objects).find((w) => w.metadata.name === 'pacs-scp-listener') as K8sObject;
    const config = loadConfig({ env: containerEnv(objects, podSpec(listener).containers[0] as ContainerSpec), argv: [] });
    assert.deepEqual(config.dicom.tls, { enabled: true, port: 2762, certFile: '/etc/pacs/tls/tls.crt', keyFile: '/etc/pacs/tls/tls.key', caFile: '/etc/pacs/tls/ca.crt', requireClientCert: true });
  });

  test('the bundled PostgreSQL URL is composed from the subchart Secret', () => {
    const objects = objectsOf(render(VALUE_SETS['bundled PostgreSQL and NATS (token auth)']));
    const indexer = workloads(objects).find((w) => w.metadata.name === 'pacs-indexer') as K8sObject;
    const config = loadConfig({ env: containerEnv(objects, podSpec(indexer).containers[0] as ContainerSpec), argv: [] });
    assert.equal(config.database.url, 'postgres://pacs:secret-pacs-postgresql-password@pacs-postgresql:5432/pacs');
    assert.equal(config.bus.token, 'secret-pacs-nats-token');
  });

  test('a long drain prints as an integer the loader accepts (no Helm float exponent form)', () => {
    const objects = objectsOf(render({ drain: { timeoutSeconds: 3600 } }));
    const env = configMapData(objects, 'pacs');
    assert.equal(env['PACS_SHUTDOWN_TIMEOUT_MS'], '3600000');
  });

  test('why enableServiceLinks is off: the variables Kubernetes injects for a Service pacs-dicom are refused', () => {
    const objects = objectsOf(render());
    const listener = workloads(objects).find((w) => w.metadata.name === 'pacs-scp-listener') as K8sObject;
    const env = { ...containerEnv(objects, podSpec(listener).containers[0] as ContainerSpec), PACS_DICOM_SERVICE_HOST: '10.0.0.1', PACS_DICOM_PORT: 'tcp://10.0.0.1:11112' };
    assert.throws(() => loadConfig({ env, argv: [] }), ConfigError);
  });
});
