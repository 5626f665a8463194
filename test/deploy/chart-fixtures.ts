import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderChart, type K8sObject, type RenderedChart } from '../../tools/k8s/render-chart';
import type { GoMap } from '../../tools/k8s/template/go-values';

// Shared by the chart tests: the chart directory, the value sets every test renders (one per
// way an operator is expected to configure the chart), and accessors into rendered objects.

export const REPO_ROOT = join(fileURLToPath(new URL('.', import.meta.url)), '../..');
export const CHART_DIR = join(REPO_ROOT, 'helm/pacs');

export const VALUE_SETS: Record<string, GoMap> = {
  defaults: {},
  'DICOM TLS with client certificates': {
    dicom: { tls: { enabled: true, existingSecret: 'pacs-dicom-tls', caKey: 'ca.crt', requireClientCert: true } },
  },
  'autoscaling on': {
    listener: { autoscaling: { enabled: true } },
    indexer: { autoscaling: { enabled: true, metricSelector: { matchLabels: { consumer_name: 'indexer' } } } },
  },
  'ServiceMonitor on': { metrics: { serviceMonitor: { enabled: true, namespace: 'monitoring', labels: { release: 'kube-prometheus' } } } },
  'external Secret names and NATS credentials': {
    database: { existingSecret: 'hospital-db', secretKeys: { url: 'dsn' } },
    storage: { s3: { existingSecret: 'hospital-s3', secretKeys: { accessKey: 'AWS_ACCESS_KEY_ID', secretKey: 'AWS_SECRET_ACCESS_KEY' }, endPoint: 'objects.hospital.example', port: 9000 } },
    bus: { auth: 'userPassword', existingSecret: 'hospital-nats', servers: 'nats://nats-0.nats:4222,nats://nats-1.nats:4222' },
    telemetry: { otlpEndpoint: 'http://otel-collector.observability:4318' },
    extraConfig: { PACS_DICOM__MAX_PDU_LENGTH: '16777216' },
  },
  'bundled PostgreSQL and NATS (token auth)': { postgresql: { enabled: true }, nats: { enabled: true }, bus: { auth: 'token' } },
  'optional parts off': {
    metrics: { enabled: false },
    networkPolicy: { enabled: false },
    serviceAccount: { create: false, name: 'pacs-runner' },
    listener: { service: { type: 'ClusterIP' }, pdb: { create: false }, podAntiAffinity: 'hard' },
    archiver: { podAntiAffinity: 'none' },
    imagePullSecrets: [{ name: 'regcred' }],
    image: { digest: `sha256:${'a'.repeat(64)}` },
  },
};

/** Renders the chart as release "pacs" in namespace "imaging", with one user value set. */
export function render(values: object = {}): RenderedChart {
  return renderChart(CHART_DIR, { values: [values as GoMap], release: { name: 'pacs', namespace: 'imaging' } });
}

export const objectsOf = (r: RenderedChart): K8sObject[] => r.documents.map((d) => d.object);

export const ofKind = (objects: readonly K8sObject[], kind: string): K8sObject[] => objects.filter((o) => o.kind === kind);

export function named(objects: readonly K8sObject[], kind: string, name: string): K8sObject {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`${kind}/${name} not rendered; have ${objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')}`);
  return found;
}

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string }; configMapKeyRef?: { name: string; key: string } };
}

export interface ContainerSpec {
  name: string;
  command?: string[];
  ports?: { name: string; containerPort: number }[];
  env?: EnvVar[];
  envFrom?: { configMapRef?: { name: string } }[];
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[];
  securityContext?: Record<string, unknown> & { capabilities?: { drop?: string[]; add?: string[] } };
  startupProbe?: Probe;
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  lifecycle?: { preStop?: { exec?: { command: string[] } } };
}

export interface Probe {
  httpGet?: { path: string; port: string | number };
  periodSeconds: number;
  failureThreshold: number;
  timeoutSeconds: number;
}

export interface PodSpec {
  containers: ContainerSpec[];
  securityContext?: Record<string, unknown>;
  automountServiceAccountToken?: boolean;
  enableServiceLinks?: boolean;
  serviceAccountName?: string;
  terminationGracePeriodSeconds?: number;
  restartPolicy?: string;
  volumes?: { name: string; emptyDir?: { sizeLimit?: string }; secret?: { secretName: string; items?: { key: string; path: string }[] } }[];
}

export function podSpec(o: K8sObject): PodSpec {
  return (o['spec'] as { template: { spec: PodSpec } }).template.spec;
}

/** Pod-running objects: the five Deployments and the migration Job. */
export const workloads = (objects: readonly K8sObject[]): K8sObject[] => objects.filter((o) => o.kind === 'Deployment' || o.kind === 'Job');

export function configMapData(objects: readonly K8sObject[], name: string): Record<string, string> {
  return (named(objects, 'ConfigMap', name)['data'] as Record<string, string> | undefined) ?? {};
}

export const APPS = ['admin-api', 'archiver', 'indexer', 'qr-service', 'scp-listener'] as const;
/** The node flags every long-running PACS process starts with (docs/adr/0002-memory-settings.md). */
export const HEAP_FLAGS = ['--initial-old-space-size=64', '--max-semi-space-size=2'] as const;
/** The MALLOC_TRIM_THRESHOLD_ of every PACS process, in bytes (the same ADR). */
export const TRIM_THRESHOLD = 16 * 1024 * 1024;
