import { parseAllDocuments } from 'yaml';
import { loadChart, type LoadedChart } from './chart/load-chart';
import { ValuesSchemaError, coalesceValues, mergeUserValues, validateValues } from './chart/values';
import { TemplateSet } from './template/engine';
import { isMap, type GoMap, type GoValue } from './template/go-values';

// Renders a Helm chart without Helm: values.yaml coalesced with the given value sets, checked
// against values.schema.json, then every file under templates/ executed by the subset
// template engine (template/engine.ts), split into YAML documents and parsed as Kubernetes
// parses them (YAML 1.1). Subcharts in Chart.yaml `dependencies` are not rendered: they are
// optional, third-party and tested upstream; the chart's own templates must not need them.

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

export interface RenderedDocument {
  /** template file the document came from */
  source: string;
  object: K8sObject;
}

export interface ReleaseOptions {
  name?: string;
  namespace?: string;
  /** .Release.Service: "Helm" under Helm; the manifest generator says who applies its output */
  service?: string;
  isUpgrade?: boolean;
}

export interface RenderOptions {
  /** user value sets, later ones winning, like repeated `helm install -f` */
  values?: GoMap[];
  release?: ReleaseOptions;
}

export interface RenderedChart {
  chart: LoadedChart;
  /** the coalesced values templates saw */
  values: GoMap;
  /** rendered text per template file (partials omitted) */
  files: Map<string, string>;
  documents: RenderedDocument[];
  notes: string;
}

export class ManifestError extends Error {
  override readonly name = 'ManifestError';
}

const isPartial = (name: string): boolean => (name.split('/').pop() as string).startsWith('_');
const isNotes = (name: string): boolean => name === 'templates/NOTES.txt';

function parseManifests(source: string, text: string): RenderedDocument[] {
  const out: RenderedDocument[] = [];
  for (const doc of parseAllDocuments(text, { version: '1.1', uniqueKeys: true })) {
    if (doc.errors.length > 0) {
      throw new ManifestError(`${source}: rendered output is not valid YAML: ${doc.errors[0]?.message ?? ''}\n--- rendered ---\n${text}`);
    }
    const object = doc.toJS({ maxAliasCount: 0 }) as unknown;
    if (object === null || object === undefined) continue;
    if (!isMap(object)) throw new ManifestError(`${source}: a rendered document is not a mapping`);
    const o = object as Partial<K8sObject>;
    if (typeof o.apiVersion !== 'string' || typeof o.kind !== 'string') throw new ManifestError(`${source}: a rendered document has no apiVersion/kind`);
    if (!isMap(o.metadata) || typeof o.metadata.name !== 'string' || o.metadata.name === '') {
      throw new ManifestError(`${source}: ${o.kind} without metadata.name`);
    }
    out.push({ source, object: o as K8sObject });
  }
  return out;
}

export function renderChart(chartDir: string, options: RenderOptions = {}): RenderedChart {
  const chart = loadChart(chartDir);
  const values = coalesceValues(mergeUserValues(options.values ?? []), chart.values);
  if (chart.schema) {
    const problems = validateValues(chart.schema, values);
    if (problems.length > 0) throw new ValuesSchemaError(problems);
  }
  const release = options.release ?? {};
  const root: GoMap = {
    Values: values,
    Release: {
      Name: release.name ?? chart.metadata.Name,
      Namespace: release.namespace ?? 'default',
      Service: release.service ?? 'Helm',
      IsInstall: !(release.isUpgrade ?? false),
      IsUpgrade: release.isUpgrade ?? false,
    },
    Chart: { ...chart.metadata } as unknown as GoValue,
  };
  const set = new TemplateSet();
  for (const t of chart.templates) set.add(t.name, t.source);

  const files = new Map<string, string>();
  const documents: RenderedDocument[] = [];
  let notes = '';
  for (const t of chart.templates) {
    if (isPartial(t.name)) continue;
    const text = set.execute(t.name, root);
    if (isNotes(t.name)) {
      notes = text;
      continue;
    }
    files.set(t.name, text);
    documents.push(...parseManifests(t.name, text));
  }
  return { chart, values, files, documents, notes };
}

// Helm's install order (pkg/releaseutil/kind_sorter.go); kinds it does not know go last.
const INSTALL_ORDER = [
  'PriorityClass', 'Namespace', 'NetworkPolicy', 'ResourceQuota', 'LimitRange', 'PodSecurityPolicy', 'PodDisruptionBudget',
  'ServiceAccount', 'Secret', 'SecretList', 'ConfigMap', 'StorageClass', 'PersistentVolume', 'PersistentVolumeClaim',
  'CustomResourceDefinition', 'ClusterRole', 'ClusterRoleList', 'ClusterRoleBinding', 'ClusterRoleBindingList', 'Role',
  'RoleList', 'RoleBinding', 'RoleBindingList', 'Service', 'DaemonSet', 'Pod', 'ReplicationController', 'ReplicaSet',
  'Deployment', 'HorizontalPodAutoscaler', 'StatefulSet', 'Job', 'CronJob', 'IngressClass', 'Ingress', 'APIService',
];

/** Documents in the order Helm applies them (stable within a kind). */
export function sortByInstallOrder(docs: readonly RenderedDocument[]): RenderedDocument[] {
  const rank = (kind: string): number => {
    const i = INSTALL_ORDER.indexOf(kind);
    return i < 0 ? INSTALL_ORDER.length : i;
  };
  return docs
    .map((d, i) => ({ d, i }))
    .sort((a, b) => rank(a.d.object.kind) - rank(b.d.object.kind) || (rank(a.d.object.kind) === INSTALL_ORDER.length ? a.d.object.kind.localeCompare(b.d.object.kind) : 0) || a.i - b.i)
    .map(({ d }) => d);
}

/** A Helm hook (helm.sh/hook annotation): applied around the release, not part of it. */
export function isHook(o: K8sObject): boolean {
  return o.metadata.annotations?.['helm.sh/hook'] !== undefined;
}
