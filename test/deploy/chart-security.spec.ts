import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { VALUE_SETS, configMapData, named, objectsOf, ofKind, podSpec, render, workloads, type ContainerSpec, type EnvVar } from './chart-fixtures';

// Secure defaults, drain and failover settings of the rendered chart: what hospital IT and
// their cluster policies (Pod Security "restricted") expect, asserted on the objects.

const defaults = objectsOf(render());
const containerOf = (o: Parameters<typeof podSpec>[0]): ContainerSpec => podSpec(o).containers[0] as ContainerSpec;

describe('pod security (Pod Security Standards, restricted profile)', () => {
  for (const w of workloads(defaults)) {
    test(`${w.kind}/${w.metadata.name}: non-root 10001, read-only root filesystem, no escalation, no capabilities, RuntimeDefault seccomp`, () => {
      const spec = podSpec(w);
      assert.equal(spec.securityContext?.['runAsNonRoot'], true);
      assert.equal(spec.securityContext?.['runAsUser'], 10001);
      assert.deepEqual(spec.securityContext?.['seccompProfile'], { type: 'RuntimeDefault' });
      for (const c of spec.containers) {
        const sc = c.securityContext ?? {};
        assert.equal(sc['runAsNonRoot'], true);
        assert.equal(sc['runAsUser'], 10001);
        assert.equal(sc['readOnlyRootFilesystem'], true);
        assert.equal(sc['allowPrivilegeEscalation'], false);
        assert.equal(sc['privileged'], false);
        assert.deepEqual(sc.capabilities?.drop, ['ALL']);
        assert.equal(sc.capabilities?.add, undefined);
        assert.deepEqual(sc['seccompProfile'], { type: 'RuntimeDefault' });
        assert.deepEqual(c.volumeMounts?.find((m) => m.mountPath === '/tmp')?.name, 'tmp', 'an emptyDir at /tmp is the one writable path');
      }
      assert.ok(spec.volumes?.some((v) => v.name === 'tmp' && v.emptyDir !== undefined));
    });
  }

  test('no service account token in any pod, and the ServiceAccount does not automount one', () => {
    for (const w of workloads(defaults)) assert.equal(podSpec(w).automountServiceAccountToken, false, w.metadata.name);
    assert.equal(named(defaults, 'ServiceAccount', 'pacs')['automountServiceAccountToken'], false);
  });

  test('Service links are off: Kubernetes would inject PACS_DICOM_PORT-style variables the config loader refuses', () => {
    for (const w of workloads(defaults)) assert.equal(podSpec(w).enableServiceLinks, false, w.metadata.name);
  });
});

describe('drain and failover', () => {
  const shutdownSeconds = (objects: typeof defaults): number => Number(configMapData(objects, 'pacs')['PACS_SHUTDOWN_TIMEOUT_MS']) / 1000;
  const preStopSeconds = (c: ContainerSpec): number => {
    const cmd = c.lifecycle?.preStop?.exec?.command;
    return cmd ? Number(cmd[1]) : 0;
  };

  for (const [name, values] of Object.entries({ defaults: {}, 'a 30-minute drain': { drain: { timeoutSeconds: 1800, preStopSleepSeconds: 20 } } })) {
    test(`${name}: terminationGracePeriodSeconds exceeds preStop sleep + PACS_SHUTDOWN_TIMEOUT_MS/1000 on every Deployment`, () => {
      const objects = objectsOf(render(values));
      const drain = shutdownSeconds(objects);
      assert.ok(Number.isInteger(drain) && drain > 0, `PACS_SHUTDOWN_TIMEOUT_MS must print as a plain integer, got ${String(configMapData(objects, 'pacs')['PACS_SHUTDOWN_TIMEOUT_MS'])}`);
      for (const d of ofKind(objects, 'Deployment')) {
        const grace = podSpec(d).terminationGracePeriodSeconds ?? 30;
        assert.ok(grace > preStopSeconds(containerOf(d)) + drain, `${d.metadata.name}: grace ${String(grace)} <= preStop + drain ${String(drain)}`);
      }
    });
  }

  test('the listener and admin-api sleep in preStop so load balancers forget them before SIGTERM; the listener always', () => {
    for (const name of ['pacs-scp-listener', 'pacs-admin-api']) {
      assert.deepEqual(containerOf(named(defaults, 'Deployment', name)).lifecycle?.preStop?.exec?.command, ['sleep', '10']);
    }
    assert.deepEqual(containerOf(named(objectsOf(render({ drain: { preStopSleepSeconds: 0 } })), 'Deployment', 'pacs-scp-listener')).lifecycle?.preStop?.exec?.command, ['sleep', '0']);
  });

  test('probes: startup and liveness on /healthz, readiness on /readyz, all on the http port', () => {
    for (const d of ofKind(defaults, 'Deployment')) {
      const c = containerOf(d);
      assert.deepEqual(c.startupProbe?.httpGet, { path: '/healthz', port: 'http' }, d.metadata.name);
      assert.deepEqual(c.livenessProbe?.httpGet, { path: '/healthz', port: 'http' }, d.metadata.name);
      assert.deepEqual(c.readinessProbe?.httpGet, { path: '/readyz', port: 'http' }, d.metadata.name);
      assert.ok(c.ports?.some((p) => p.name === 'http' && p.containerPort === 8080));
    }
  });

  test('generous startup (minutes), strict readiness (seconds)', () => {
    const c = containerOf(named(defaults, 'Deployment', 'pacs-scp-listener'));
    const startup = c.startupProbe as NonNullable<ContainerSpec['startupProbe']>;
    const readiness = c.readinessProbe as NonNullable<ContainerSpec['readinessProbe']>;
    assert.ok(startup.periodSeconds * startup.failureThreshold >= 120);
    assert.ok(readiness.periodSeconds * readiness.failureThreshold <= 15);
  });

  test('the DICOM Service is a LoadBalancer with externalTrafficPolicy Local on 11112', () => {
    const spec = named(defaults, 'Service', 'pacs-dicom')['spec'] as { type: string; externalTrafficPolicy: string; ports: { port: number; targetPort: string }[] };
    assert.equal(spec.type, 'LoadBalancer');
    assert.equal(spec.externalTrafficPolicy, 'Local');
    assert.deepEqual(spec.ports.map((p) => [p.port, p.targetPort]), [[11112, 'dicom']]);
  });

  test('a PodDisruptionBudget for every Deployment, each allowing one pod down at a time', () => {
    const pdbs = ofKind(defaults, 'PodDisruptionBudget');
    for (const d of ofKind(defaults, 'Deployment')) {
      const selector = (d['spec'] as { selector: { matchLabels: Record<string, string> } }).selector.matchLabels;
      const pdb = pdbs.find((p) => JSON.stringify((p['spec'] as { selector: { matchLabels: unknown } }).selector.matchLabels) === JSON.stringify(selector));
      assert.ok(pdb, `no PDB for ${d.metadata.name}`);
      assert.equal((pdb['spec'] as { maxUnavailable: number }).maxUnavailable, 1);
    }
  });

  test('listener pods prefer different nodes', () => {
    const affinity = (named(defaults, 'Deployment', 'pacs-scp-listener')['spec'] as { template: { spec: { affinity: { podAntiAffinity: Record<string, unknown> } } } }).template.spec.affinity;
    assert.ok(affinity.podAntiAffinity['preferredDuringSchedulingIgnoredDuringExecution']);
  });
});

describe('secrets', () => {
  const SECRET_LIKE = /(URL|PASSWORD|TOKEN|SECRET|ACCESS_KEY|USER)$/;

  for (const [name, values] of Object.entries(VALUE_SETS)) {
    test(`${name}: secret settings reach the pods only through secretKeyRef, never as literal values`, () => {
      const objects = objectsOf(render(values));
      assert.equal(ofKind(objects, 'Secret').length, 0, 'the chart creates no Secret: they are the operator\'s');
      for (const cm of ofKind(objects, 'ConfigMap')) {
        const secretish = Object.keys((cm['data'] as Record<string, string>) ?? {}).filter((k) => SECRET_LIKE.test(k));
        assert.deepEqual(secretish, [], `ConfigMap/${cm.metadata.name}`);
      }
      for (const w of workloads(objects)) {
        for (const c of podSpec(w).containers) {
          const env = c.env ?? [];
          const fromSecrets = new Set(env.filter((e) => e.valueFrom?.secretKeyRef).map((e) => e.name));
          for (const e of env.filter((v: EnvVar) => SECRET_LIKE.test(v.name))) {
            if (e.valueFrom?.secretKeyRef) continue;
            // Only a composition of secretKeyRef variables ($(VAR)) is allowed as a value.
            const refs = [...(e.value ?? '').matchAll(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g)].map((m) => m[1] as string);
            assert.ok(refs.length > 0 && refs.every((r) => fromSecrets.has(r)), `${w.metadata.name}: ${e.name} is not from a Secret`);
          }
        }
      }
    });
  }

  test('default Secret names derive from the release; existingSecret names and keys are used as given', () => {
    const env = (objects: typeof defaults): Record<string, unknown> =>
      Object.fromEntries((containerOf(named(objects, 'Deployment', 'pacs-indexer')).env ?? []).map((e) => [e.name, e.valueFrom?.secretKeyRef]));
    assert.deepEqual(env(defaults), {
      PACS_DATABASE__URL: { name: 'pacs-database', key: 'url' },
      PACS_STORAGE__S3__ACCESS_KEY: { name: 'pacs-s3', key: 'access-key' },
      PACS_STORAGE__S3__SECRET_KEY: { name: 'pacs-s3', key: 'secret-key' },
    });
    assert.deepEqual(env(objectsOf(render(VALUE_SETS['external Secret names and NATS credentials']))), {
      PACS_DATABASE__URL: { name: 'hospital-db', key: 'dsn' },
      PACS_STORAGE__S3__ACCESS_KEY: { name: 'hospital-s3', key: 'AWS_ACCESS_KEY_ID' },
      PACS_STORAGE__S3__SECRET_KEY: { name: 'hospital-s3', key: 'AWS_SECRET_ACCESS_KEY' },
      PACS_BUS__USER: { name: 'hospital-nats', key: 'user' },
      PACS_BUS__PASSWORD: { name: 'hospital-nats', key: 'password' },
    });
  });
});

describe('admin API authentication (issue 9: no data-changing endpoint without a token in cluster mode)', () => {
  const adminEnv = (objects: typeof defaults): Record<string, unknown> =>
    Object.fromEntries(
      (containerOf(named(objects, 'Deployment', 'pacs-admin-api')).env ?? [])
        .filter((e) => e.name.startsWith('PACS_HTTP__'))
        .map((e) => [e.name, e.valueFrom?.secretKeyRef ?? e.value]),
    );

  test('on by default, the bootstrap admin token from a Secret; only admin-api gets it', () => {
    assert.deepEqual(adminEnv(defaults), {
      PACS_HTTP__AUTH__ENABLED: 'true',
      PACS_HTTP__AUTH__ADMIN_TOKEN: { name: 'pacs-admin-api', key: 'admin-token' },
    });
    for (const w of workloads(defaults).filter((o) => o.metadata.name !== 'pacs-admin-api')) {
      assert.ok(!(containerOf(w).env ?? []).some((e) => e.name.startsWith('PACS_HTTP__AUTH')), w.metadata.name);
    }
  });

  test('an existing Secret and CORS origins are used as given; auth off renders no token reference', () => {
    const custom = objectsOf(render({ adminApi: { auth: { existingSecret: 'hospital-pacs-api', secretKey: 'token' }, corsAllowedOrigins: 'https://ohif.example.org' } }));
    assert.deepEqual(adminEnv(custom), {
      PACS_HTTP__AUTH__ENABLED: 'true',
      PACS_HTTP__AUTH__ADMIN_TOKEN: { name: 'hospital-pacs-api', key: 'token' },
      PACS_HTTP__CORS__ALLOWED_ORIGINS: 'https://ohif.example.org',
    });
    assert.deepEqual(adminEnv(objectsOf(render({ adminApi: { auth: { enabled: false } } }))), { PACS_HTTP__AUTH__ENABLED: 'false' });
  });
});

describe('migration Job hook', () => {
  const job = named(defaults, 'Job', 'pacs-migrate');

  test('runs node dist/apps/migrate/main.js once, before install and upgrade, and is replaced on the next run', () => {
    assert.deepEqual(job.metadata.annotations, {
      'helm.sh/hook': 'pre-install,pre-upgrade',
      'helm.sh/hook-weight': '0',
      'helm.sh/hook-delete-policy': 'before-hook-creation',
    });
    const spec = podSpec(job);
    assert.equal(spec.restartPolicy, 'Never');
    assert.deepEqual(containerOf(job).command, ['node', 'dist/apps/migrate/main.js']);
    assert.ok(((job['spec'] as { backoffLimit: number }).backoffLimit) >= 1);
  });

  test('its ConfigMap is a hook too, created first (lower weight), since release objects do not exist yet', () => {
    const cm = named(defaults, 'ConfigMap', 'pacs-migrate');
    assert.equal(cm.metadata.annotations?.['helm.sh/hook'], 'pre-install,pre-upgrade');
    assert.ok(Number(cm.metadata.annotations?.['helm.sh/hook-weight']) < Number(job.metadata.annotations?.['helm.sh/hook-weight']));
    assert.deepEqual(containerOf(job).envFrom, [{ configMapRef: { name: 'pacs-migrate' } }]);
    assert.deepEqual(cm['data'], configMapData(defaults, 'pacs'));
  });

  test('with the chart creating the ServiceAccount, the Job uses the namespace default (the hook runs before it exists)', () => {
    assert.equal(podSpec(job).serviceAccountName, undefined);
  });

  test('migration.enabled false renders no hook at all', () => {
    const objects = objectsOf(render({ migration: { enabled: false } }));
    assert.ok(!objects.some((o) => o.metadata.annotations?.['helm.sh/hook'] !== undefined));
  });
});

describe('NetworkPolicy', () => {
  const policy = (name: string): Record<string, unknown> => named(defaults, 'NetworkPolicy', name)['spec'] as Record<string, unknown>;

  test('default deny: every PACS pod, all ingress', () => {
    assert.deepEqual(policy('pacs-default-deny'), {
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'pacs', 'app.kubernetes.io/instance': 'pacs' } },
      policyTypes: ['Ingress'],
      ingress: [],
    });
  });

  test('DICOM only to the listener, HTTP only to admin-api, probes and metrics from the monitoring namespace', () => {
    assert.deepEqual(policy('pacs-dicom')['ingress'], [{ ports: [{ port: 'dicom', protocol: 'TCP' }] }]);
    assert.deepEqual(policy('pacs-admin-api')['ingress'], [{ ports: [{ port: 'http', protocol: 'TCP' }] }]);
    assert.deepEqual(policy('pacs-monitoring')['ingress'], [
      {
        from: [{ namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['monitoring'] }] } }],
        ports: [{ port: 'http', protocol: 'TCP' }, { port: 'metrics', protocol: 'TCP' }],
      },
    ]);
  });

  test('dicomFrom restricts DICOM to the given peers, e.g. the modality subnet', () => {
    const objects = objectsOf(render({ networkPolicy: { dicomFrom: [{ ipBlock: { cidr: '10.20.0.0/16' } }] } }));
    const ingress = (named(objects, 'NetworkPolicy', 'pacs-dicom')['spec'] as { ingress: { from?: unknown }[] }).ingress;
    assert.deepEqual(ingress[0]?.from, [{ ipBlock: { cidr: '10.20.0.0/16' } }]);
  });
});
