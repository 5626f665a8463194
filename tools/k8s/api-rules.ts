import type { K8sObject } from './render-chart';

// Rules the API server or the controllers enforce that no OpenAPI schema expresses: name
// and label syntax (apimachinery validation), a Deployment's selector matching its own pod
// labels, and references between objects of one release (a Service selecting no pod, a
// targetPort no container declares, an HPA aimed at a missing Deployment). Each is a bug
// the cluster reports only after apply, or never.

interface Container {
  name: string;
  ports?: { name?: string; containerPort: number }[];
  env?: { name: string; value?: string; valueFrom?: { configMapKeyRef?: { name: string; key: string }; secretKeyRef?: { name: string; key: string } } }[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  volumeMounts?: { name: string; mountPath: string }[];
  resources?: { requests?: Record<string, string> };
}

interface PodSpec {
  containers: Container[];
  volumes?: { name: string; configMap?: { name: string }; secret?: { secretName: string } }[];
}

interface PodTemplate {
  metadata?: { labels?: Record<string, string> };
  spec: PodSpec;
}

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

const id = (o: K8sObject): string => `${o.kind}/${o.metadata.name}`;

/** IANA_SVC_NAME (RFC 6335): what a named container port must be. */
function isPortName(name: string): boolean {
  return name.length <= 15 && /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(name) && /[a-z]/.test(name) && !name.includes('--');
}

function labelKeyProblem(key: string): string | undefined {
  const parts = key.split('/');
  if (parts.length > 2) return 'more than one "/"';
  const name = parts[parts.length - 1] as string;
  if (parts.length === 2 && (!DNS1123_SUBDOMAIN.test(parts[0] as string) || (parts[0] as string).length > 253)) return 'prefix is not a DNS subdomain';
  if (name.length > 63 || !QUALIFIED_NAME.test(name)) return 'name part is not a qualified name (63 characters of [-A-Za-z0-9_.], alphanumeric at both ends)';
  return undefined;
}

function checkLabels(where: string, labels: Record<string, string> | undefined, problems: string[]): void {
  for (const [k, v] of Object.entries(labels ?? {})) {
    const keyProblem = labelKeyProblem(k);
    if (keyProblem) problems.push(`${where}: label key ${JSON.stringify(k)}: ${keyProblem}`);
    if (typeof v !== 'string' || v.length > 63 || !LABEL_VALUE.test(v)) problems.push(`${where}: label ${k}=${JSON.stringify(v)} is not a valid label value`);
  }
}

const matches = (selector: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean =>
  selector !== undefined && Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels?.[k] === v);

function podTemplate(o: K8sObject): PodTemplate | undefined {
  if (o.kind === 'Deployment' || o.kind === 'Job') return (o['spec'] as { template: PodTemplate }).template;
  return undefined;
}

function checkPod(o: K8sObject, pod: PodTemplate, byName: Map<string, K8sObject>, problems: string[]): void {
  const where = id(o);
  checkLabels(`${where} pod template`, pod.metadata?.labels, problems);
  const volumes = new Set((pod.spec.volumes ?? []).map((v) => v.name));
  for (const v of pod.spec.volumes ?? []) {
    if (!DNS1123_LABEL.test(v.name)) problems.push(`${where}: volume name ${v.name} is not a DNS-1123 label`);
    if (v.configMap && !byName.has(`ConfigMap/${v.configMap.name}`)) problems.push(`${where}: volume ${v.name} mounts missing ConfigMap ${v.configMap.name}`);
  }
  for (const c of pod.spec.containers) {
    if (!DNS1123_LABEL.test(c.name)) problems.push(`${where}: container name ${c.name} is not a DNS-1123 label`);
    const portNames = new Set<string>();
    for (const p of c.ports ?? []) {
      if (p.name === undefined) continue;
      if (!isPortName(p.name)) problems.push(`${where}: port name ${p.name} is not an IANA service name (15 characters, a-z0-9-)`);
      if (portNames.has(p.name)) problems.push(`${where}: port name ${p.name} used twice`);
      portNames.add(p.name);
    }
    const envNames = new Set<string>();
    for (const e of c.env ?? []) {
      if (!ENV_NAME.test(e.name)) problems.push(`${where}: env name ${e.name} is not valid`);
      if (envNames.has(e.name)) problems.push(`${where}: env ${e.name} set twice in container ${c.name}`);
      envNames.add(e.name);
      const cmRef = e.valueFrom?.configMapKeyRef;
      if (cmRef) {
        const cm = byName.get(`ConfigMap/${cmRef.name}`);
        if (!cm) problems.push(`${where}: env ${e.name} reads missing ConfigMap ${cmRef.name}`);
        else if (!(cmRef.key in ((cm['data'] as Record<string, string> | undefined) ?? {}))) problems.push(`${where}: env ${e.name} reads missing key ${cmRef.key} of ConfigMap ${cmRef.name}`);
      }
    }
    for (const from of c.envFrom ?? []) {
      if (from.configMapRef && !byName.has(`ConfigMap/${from.configMapRef.name}`)) problems.push(`${where}: envFrom names missing ConfigMap ${from.configMapRef.name}`);
    }
    for (const m of c.volumeMounts ?? []) {
      if (!volumes.has(m.name)) problems.push(`${where}: volumeMount ${m.name} has no volume`);
    }
  }
}

function podsSelectedBy(selector: Record<string, string> | undefined, objects: readonly K8sObject[]): { owner: K8sObject; pod: PodTemplate }[] {
  return objects.flatMap((o) => {
    const pod = o.kind === 'Deployment' ? podTemplate(o) : undefined;
    return pod && matches(selector, pod.metadata?.labels) ? [{ owner: o, pod }] : [];
  });
}

const containerPortNames = (pod: PodTemplate): Set<string> =>
  new Set(pod.spec.containers.flatMap((c) => (c.ports ?? []).flatMap((p) => (p.name === undefined ? [] : [p.name]))));

/** Every problem found across the objects of one rendering, each naming kind/name. */
export function checkApiRules(objects: readonly K8sObject[]): string[] {
  const problems: string[] = [];
  const byName = new Map(objects.map((o) => [id(o), o]));
  const seen = new Set<string>();
  for (const o of objects) {
    const where = id(o);
    if (seen.has(`${o.apiVersion}/${where}`)) problems.push(`${where}: defined twice`);
    seen.add(`${o.apiVersion}/${where}`);
    const name = o.metadata.name;
    const nameRule = o.kind === 'Service' ? DNS1035_LABEL : DNS1123_LABEL;
    if (name.length > 63 || !nameRule.test(name)) problems.push(`${where}: name is not a ${o.kind === 'Service' ? 'DNS-1035' : 'DNS-1123'} label of at most 63 characters`);
    checkLabels(where, o.metadata.labels, problems);
    for (const k of Object.keys(o.metadata.annotations ?? {})) {
      const keyProblem = labelKeyProblem(k);
      if (keyProblem) problems.push(`${where}: annotation key ${JSON.stringify(k)}: ${keyProblem}`);
    }

    const pod = podTemplate(o);
    if (pod) checkPod(o, pod, byName, problems);
    const spec = o['spec'] as Record<string, unknown> | undefined;

    if (o.kind === 'Deployment' && pod) {
      const selector = (spec?.['selector'] as { matchLabels?: Record<string, string> }).matchLabels;
      if (!matches(selector, pod.metadata?.labels)) problems.push(`${where}: spec.selector does not match the pod template labels`);
      for (const other of objects) {
        if (other === o || other.kind !== 'Deployment') continue;
        if (matches(selector, podTemplate(other)?.metadata?.labels)) problems.push(`${where}: selector also matches the pods of ${id(other)}`);
      }
    }
    if (o.kind === 'Service') {
      const selector = spec?.['selector'] as Record<string, string> | undefined;
      const targets = podsSelectedBy(selector, objects);
      if (targets.length === 0) problems.push(`${where}: selector matches no pods of this release`);
      for (const port of (spec?.['ports'] as { name?: string; targetPort?: number | string }[] | undefined) ?? []) {
        if (typeof port.targetPort !== 'string') continue;
        for (const t of targets) {
          if (!containerPortNames(t.pod).has(port.targetPort)) problems.push(`${where}: targetPort ${port.targetPort} is not a container port of ${id(t.owner)}`);
        }
      }
      if (spec?.['externalTrafficPolicy'] !== undefined && spec['type'] !== 'LoadBalancer' && spec['type'] !== 'NodePort') {
        problems.push(`${where}: externalTrafficPolicy is only allowed on LoadBalancer and NodePort Services`);
      }
    }
    if (o.kind === 'PodDisruptionBudget') {
      const selector = (spec?.['selector'] as { matchLabels?: Record<string, string> } | undefined)?.matchLabels;
      if (podsSelectedBy(selector, objects).length !== 1) problems.push(`${where}: selector must match the pods of exactly one Deployment`);
    }
    if (o.kind === 'HorizontalPodAutoscaler') {
      const ref = spec?.['scaleTargetRef'] as { kind: string; name: string };
      const target = byName.get(`${ref.kind}/${ref.name}`);
      if (!target) problems.push(`${where}: scaleTargetRef ${ref.kind}/${ref.name} does not exist`);
      else {
        if ((target['spec'] as Record<string, unknown>)['replicas'] !== undefined) problems.push(`${where}: ${id(target)} sets spec.replicas, which every upgrade would reset under the HPA`);
        const usesCpu = ((spec?.['metrics'] as { type: string; resource?: { name: string } }[] | undefined) ?? []).some((m) => m.type === 'Resource' && m.resource?.name === 'cpu');
        const containers = podTemplate(target)?.spec.containers ?? [];
        if (usesCpu && containers.some((c) => c.resources?.requests?.['cpu'] === undefined)) problems.push(`${where}: scales on CPU utilization but ${id(target)} has no CPU request`);
      }
      if ((spec?.['minReplicas'] as number) > (spec?.['maxReplicas'] as number)) problems.push(`${where}: minReplicas exceeds maxReplicas`);
    }
    if (o.kind === 'NetworkPolicy') {
      const selector = (spec?.['podSelector'] as { matchLabels?: Record<string, string> }).matchLabels;
      const targets = podsSelectedBy(selector, objects);
      if (targets.length === 0) problems.push(`${where}: podSelector matches no pods of this release`);
      for (const rule of (spec?.['ingress'] as { ports?: { port?: number | string }[] }[] | undefined) ?? []) {
        for (const p of rule.ports ?? []) {
          if (typeof p.port !== 'string') continue;
          if (!targets.some((t) => containerPortNames(t.pod).has(p.port as string))) problems.push(`${where}: port ${p.port} is not a container port of any selected pod`);
        }
      }
    }
    if (o.kind === 'ServiceMonitor') {
      const selector = (spec?.['selector'] as { matchLabels?: Record<string, string> }).matchLabels;
      const services = objects.filter((s) => s.kind === 'Service' && matches(selector, s.metadata.labels));
      if (services.length === 0) problems.push(`${where}: selector matches no Service`);
      for (const e of (spec?.['endpoints'] as { port?: string }[] | undefined) ?? []) {
        for (const s of services) {
          const ports = ((s['spec'] as { ports?: { name?: string }[] }).ports ?? []).map((p) => p.name);
          if (e.port !== undefined && !ports.includes(e.port)) problems.push(`${where}: endpoint port ${e.port} is not a port of ${id(s)}`);
        }
      }
    }
  }
  return problems;
}
