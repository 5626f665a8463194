import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkApiRules } from '../../tools/k8s/api-rules';
import { isHook } from '../../tools/k8s/render-chart';
import { validateObjects } from '../../tools/k8s/validate-objects';
import { APPS, HEAP_FLAGS, VALUE_SETS, configMapData, named, objectsOf, ofKind, podSpec, render, type ContainerSpec } from './chart-fixtures';

// The chart rendered with each supported value set: every object must pass the Kubernetes
// schemas (kubernetes-models, unknown fields refused) and the API server's cross-object rules.

const listener = (values = {}): ContainerSpec => podSpec(named(objectsOf(render(values)), 'Deployment', 'pacs-scp-listener')).containers[0] as ContainerSpec;

describe('helm/pacs renders valid Kubernetes objects', () => {
  for (const [name, values] of Object.entries(VALUE_SETS)) {
    test(`${name}: every object passes the Kubernetes schemas and API rules`, () => {
      const objects = objectsOf(render(values));
      assert.deepEqual(validateObjects(objects), []);
      assert.deepEqual(checkApiRules(objects), []);
    });
  }
});

describe('what the default values deploy', () => {
  const objects = objectsOf(render());
  const inventory = objects.map((o) => `${o.kind}/${o.metadata.name}`).sort();

  test('five Deployments running their app from the one image, with the listener at two replicas', () => {
    const deployments = ofKind(objects, 'Deployment');
    assert.deepEqual(deployments.map((d) => d.metadata.name).sort(), APPS.map((a) => `pacs-${a}`));
    for (const app of APPS) {
      const c = podSpec(named(objects, 'Deployment', `pacs-${app}`)).containers[0] as ContainerSpec;
      assert.deepEqual(c.command, ['node', ...HEAP_FLAGS, `dist/apps/${app}/main.js`]);
    }
    assert.equal((named(objects, 'Deployment', 'pacs-scp-listener')['spec'] as { replicas: number }).replicas, 2);
  });

  test('rolling updates never take a pod down before its replacement is ready', () => {
    for (const d of ofKind(objects, 'Deployment')) {
      assert.deepEqual((d['spec'] as { strategy: unknown }).strategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } }, d.metadata.name);
    }
  });

  test('the full object list', () => {
    assert.deepEqual(inventory, [
      'ConfigMap/pacs',
      'ConfigMap/pacs-migrate',
      ...APPS.map((a) => `Deployment/pacs-${a}`),
      'Job/pacs-migrate',
      'NetworkPolicy/pacs-admin-api',
      'NetworkPolicy/pacs-default-deny',
      'NetworkPolicy/pacs-dicom',
      'NetworkPolicy/pacs-monitoring',
      ...APPS.map((a) => `PodDisruptionBudget/pacs-${a}`),
      'Service/pacs-admin-api',
      'Service/pacs-dicom',
      'Service/pacs-metrics',
      'ServiceAccount/pacs',
    ]);
  });

  test('every object carries the release namespace and the standard labels', () => {
    for (const o of objects) {
      assert.equal(o.metadata.namespace, 'imaging', `${o.kind}/${o.metadata.name}`);
      assert.equal(o.metadata.labels?.['app.kubernetes.io/instance'], 'pacs');
      assert.equal(o.metadata.labels?.['app.kubernetes.io/managed-by'], 'Helm');
    }
  });

  test('ClusterIP Services for admin-api and metrics; metrics selects the service pods, not the migration pod', () => {
    const admin = named(objects, 'Service', 'pacs-admin-api')['spec'] as { type: string; ports: { port: number; targetPort: string }[] };
    assert.equal(admin.type, 'ClusterIP');
    assert.deepEqual(admin.ports.map((p) => [p.port, p.targetPort]), [[8080, 'http']]);
    const metrics = named(objects, 'Service', 'pacs-metrics')['spec'] as { type: string; selector: Record<string, string> };
    assert.equal(metrics.type, 'ClusterIP');
    const job = named(objects, 'Job', 'pacs-migrate')['spec'] as { template: { metadata: { labels: Record<string, string> } } };
    assert.ok(!Object.entries(metrics.selector).every(([k, v]) => job.template.metadata.labels[k] === v), 'metrics Service must not select the migration pod');
  });

  test('no HPA and no ServiceMonitor unless asked for', () => {
    assert.ok(!inventory.some((i) => i.startsWith('HorizontalPodAutoscaler/') || i.startsWith('ServiceMonitor/')));
  });

  test('a configuration change changes the pods (checksum annotation), so Helm rolls them', () => {
    const checksum = (values: object): string =>
      ((named(objectsOf(render(values)), 'Deployment', 'pacs-indexer')['spec'] as { template: { metadata: { annotations: Record<string, string> } } }).template.metadata.annotations['checksum/config']) as string;
    assert.notEqual(checksum({}), checksum({ log: { level: 'debug' } }));
    assert.equal(checksum({}), checksum({ listener: { replicas: 3 } }));
  });
});

describe('optional parts', () => {
  test('DICOM TLS: the listener mounts the Secret read-only, listens on 2762 and verifies client certificates; no other pod gets the key', () => {
    const values = VALUE_SETS['DICOM TLS with client certificates'] ?? {};
    const objects = objectsOf(render(values));
    const c = listener(values);
    assert.ok(c.ports?.some((p) => p.name === 'dicom-tls' && p.containerPort === 2762));
    assert.deepEqual(c.volumeMounts?.find((m) => m.name === 'dicom-tls'), { name: 'dicom-tls', mountPath: '/etc/pacs/tls', readOnly: true });
    const env = Object.fromEntries((c.env ?? []).map((e) => [e.name, e.value]));
    assert.equal(env['PACS_DICOM__TLS__ENABLED'], 'true');
    assert.equal(env['PACS_DICOM__TLS__CERT_FILE'], '/etc/pacs/tls/tls.crt');
    assert.equal(env['PACS_DICOM__TLS__KEY_FILE'], '/etc/pacs/tls/tls.key');
    assert.equal(env['PACS_DICOM__TLS__CA_FILE'], '/etc/pacs/tls/ca.crt');
    assert.equal(env['PACS_DICOM__TLS__REQUIRE_CLIENT_CERT'], 'true');
    const volume = podSpec(named(objects, 'Deployment', 'pacs-scp-listener')).volumes?.find((v) => v.name === 'dicom-tls');
    assert.equal(volume?.secret?.secretName, 'pacs-dicom-tls');
    assert.deepEqual(volume?.secret?.items?.map((i) => i.path), ['tls.crt', 'tls.key', 'ca.crt']);
    const dicom = named(objects, 'Service', 'pacs-dicom')['spec'] as { ports: { name: string; port: number }[] };
    assert.deepEqual(dicom.ports.map((p) => [p.name, p.port]), [['dicom', 11112], ['dicom-tls', 2762]]);
    for (const app of APPS.filter((a) => a !== 'scp-listener')) {
      const spec = podSpec(named(objects, 'Deployment', `pacs-${app}`));
      assert.ok(!spec.volumes?.some((v) => v.secret), `${app} must not mount the TLS key`);
    }
  });

  test('TLS off: no TLS port, mount or variable anywhere', () => {
    const c = listener();
    assert.ok(!c.ports?.some((p) => p.name === 'dicom-tls'));
    assert.ok(!c.env?.some((e) => e.name.startsWith('PACS_DICOM__TLS__')));
  });

  test('autoscaling: HPAs own the listener and indexer replica counts, CPU for one and stream lag for the other', () => {
    const objects = objectsOf(render(VALUE_SETS['autoscaling on']));
    const hpas = ofKind(objects, 'HorizontalPodAutoscaler');
    assert.deepEqual(hpas.map((h) => h.metadata.name).sort(), ['pacs-indexer', 'pacs-scp-listener']);
    for (const name of ['pacs-scp-listener', 'pacs-indexer']) assert.equal((named(objects, 'Deployment', name)['spec'] as { replicas?: number }).replicas, undefined);
    const cpu = (named(objects, 'HorizontalPodAutoscaler', 'pacs-scp-listener')['spec'] as { metrics: unknown[] }).metrics;
    assert.deepEqual(cpu, [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }]);
    const lag = (named(objects, 'HorizontalPodAutoscaler', 'pacs-indexer')['spec'] as { metrics: unknown[] }).metrics;
    assert.deepEqual(lag, [
      {
        type: 'External',
        external: {
          metric: { name: 'pacs_indexer_pending_messages', selector: { matchLabels: { consumer_name: 'indexer' } } },
          target: { type: 'AverageValue', averageValue: '1000' },
        },
      },
    ]);
  });

  test('ServiceMonitor: scrapes the metrics Service port from the release namespace, with the operator label', () => {
    const objects = objectsOf(render(VALUE_SETS['ServiceMonitor on']));
    const sm = named(objects, 'ServiceMonitor', 'pacs');
    assert.equal(sm.metadata.namespace, 'monitoring');
    assert.equal(sm.metadata.labels?.['release'], 'kube-prometheus');
    const spec = sm['spec'] as { namespaceSelector: unknown; endpoints: { port: string }[] };
    assert.deepEqual(spec.namespaceSelector, { matchNames: ['imaging'] });
    assert.deepEqual(spec.endpoints.map((e) => e.port), ['metrics']);
  });

  test('ServiceMonitor is not rendered while metrics are off', () => {
    const objects = objectsOf(render({ metrics: { enabled: false, serviceMonitor: { enabled: true } } }));
    assert.equal(ofKind(objects, 'ServiceMonitor').length, 0);
    assert.equal(configMapData(objects, 'pacs')['PACS_TELEMETRY__PROMETHEUS__ENABLED'], 'false');
  });

  test('bundled NATS and PostgreSQL: the services connect to the subcharts, migrations wait for the database', () => {
    const objects = objectsOf(render(VALUE_SETS['bundled PostgreSQL and NATS (token auth)']));
    assert.equal(configMapData(objects, 'pacs')['PACS_BUS__SERVERS'], 'nats://pacs-nats:4222');
    const env = listenerEnv(objects);
    assert.deepEqual(env.find((e) => e.name === 'DATABASE_PASSWORD')?.valueFrom, { secretKeyRef: { name: 'pacs-postgresql', key: 'password' } });
    assert.equal(env.find((e) => e.name === 'PACS_DATABASE__URL')?.value, 'postgres://pacs:$(DATABASE_PASSWORD)@pacs-postgresql:5432/pacs');
    assert.deepEqual(env.find((e) => e.name === 'PACS_BUS__TOKEN')?.valueFrom, { secretKeyRef: { name: 'pacs-nats', key: 'token' } });
    assert.equal(named(objects, 'Job', 'pacs-migrate').metadata.annotations?.['helm.sh/hook'], 'post-install,pre-upgrade');
  });

  test('optional parts off: no NetworkPolicies, PDB for the listener, ServiceAccount or metrics port', () => {
    const objects = objectsOf(render(VALUE_SETS['optional parts off']));
    assert.equal(ofKind(objects, 'NetworkPolicy').length, 0);
    assert.equal(ofKind(objects, 'ServiceAccount').length, 0);
    assert.ok(!objects.some((o) => o.kind === 'PodDisruptionBudget' && o.metadata.name === 'pacs-scp-listener'));
    assert.ok(!listener(VALUE_SETS['optional parts off']).ports?.some((p) => p.name === 'metrics'));
    for (const w of objects.filter((o) => o.kind === 'Deployment' || o.kind === 'Job')) assert.equal(podSpec(w).serviceAccountName, 'pacs-runner');
    const dicom = named(objects, 'Service', 'pacs-dicom')['spec'] as Record<string, unknown>;
    assert.equal(dicom['type'], 'ClusterIP');
    assert.equal(dicom['externalTrafficPolicy'], undefined);
  });

  test('the install notes render and name the Secrets to create', () => {
    const notes = render(VALUE_SETS['external Secret names and NATS credentials']).notes;
    for (const secret of ['hospital-db', 'hospital-s3', 'hospital-nats']) assert.ok(notes.includes(secret), notes);
  });

  test('hooks are only the migration ConfigMap and Job', () => {
    const hooks = objectsOf(render()).filter(isHook);
    assert.deepEqual(hooks.map((h) => `${h.kind}/${h.metadata.name}`), ['ConfigMap/pacs-migrate', 'Job/pacs-migrate']);
  });
});

function listenerEnv(objects: ReturnType<typeof objectsOf>): NonNullable<ContainerSpec['env']> {
  return (podSpec(named(objects, 'Deployment', 'pacs-scp-listener')).containers[0] as ContainerSpec).env ?? [];
}
