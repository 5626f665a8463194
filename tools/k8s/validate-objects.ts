import { Ajv, type ValidateFunction } from 'ajv';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import type { K8sObject } from './render-chart';
import { SERVICE_MONITOR_SCHEMA } from './service-monitor-schema';

// Validates rendered objects against the Kubernetes OpenAPI schemas (kubernetes-models, the
// API of Kubernetes 1.27), in two passes: the model's own validate(), then a strict-fields
// pass. The OpenAPI schemas allow unknown fields, but `kubectl apply` (strict field
// validation) refuses them and Helm drops them with only a warning: a misspelled
// `readinesProbe` must fail here. The strict pass runs the same compiled validator over a
// proxy that records which fields it reads; a field it never reads is not in the schema.

interface ModelClass {
  new (data: never): { validate(): void };
  prototype: { validate(this: unknown): void };
}

const MODELS: Record<string, ModelClass> = {
  'v1/ConfigMap': ConfigMap as unknown as ModelClass,
  'v1/Secret': Secret as unknown as ModelClass,
  'v1/Service': Service as unknown as ModelClass,
  'v1/ServiceAccount': ServiceAccount as unknown as ModelClass,
  'apps/v1/Deployment': Deployment as unknown as ModelClass,
  'batch/v1/Job': Job as unknown as ModelClass,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget as unknown as ModelClass,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler as unknown as ModelClass,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy as unknown as ModelClass,
};

/**
 * ServiceMonitor is a CRD of the Prometheus Operator: no npm package here ships its schema,
 * so it is checked against a hand-written subset of monitoring.coreos.com/v1 (the fields
 * this chart emits, closed against unknown ones).
 */
const CUSTOM_SCHEMAS: Record<string, object> = {
  'monitoring.coreos.com/v1/ServiceMonitor': SERVICE_MONITOR_SCHEMA,
};

const typeKey = (o: K8sObject): string => `${o.apiVersion}/${o.kind}`;
const describe = (o: K8sObject): string => `${o.kind}/${o.metadata.name}`;

/** Kinds this module can validate. */
export function supportedKinds(): string[] {
  return [...Object.keys(MODELS), ...Object.keys(CUSTOM_SCHEMAS)].sort();
}

/** Fields of `value` (recursively) that `read` never touched, as JSON-pointer-like paths. */
function unreadFields(value: unknown, reads: Map<object, Set<string>>, path: string): string[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => unreadFields(v, reads, `${path}/${String(i)}`));
  if (value === null || typeof value !== 'object') return [];
  const seen = reads.get(value) ?? new Set<string>();
  return Object.entries(value).flatMap(([k, v]) => (seen.has(k) ? unreadFields(v, reads, `${path}/${k}`) : [`${path}/${k}`]));
}

/** A deep copy of `value` whose objects record every property read into `reads`, keyed by the original object. */
function recordingCopy(value: unknown, reads: Map<object, Set<string>>): unknown {
  if (Array.isArray(value)) return value.map((v) => recordingCopy(v, reads));
  if (value === null || typeof value !== 'object') return value;
  const target: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) target[k] = recordingCopy(v, reads);
  const read = new Set<string>();
  reads.set(value, read);
  return new Proxy(target, {
    get(t, prop, receiver) {
      if (typeof prop === 'string') read.add(prop);
      return Reflect.get(t, prop, receiver) as unknown;
    },
  });
}

const customValidators = new Map<string, ValidateFunction>();

function validateCustom(key: string, o: K8sObject): string[] {
  let validate = customValidators.get(key);
  if (!validate) {
    validate = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true }).compile(CUSTOM_SCHEMAS[key] as object);
    customValidators.set(key, validate);
  }
  if (validate(o)) return [];
  return (validate.errors ?? []).map((e) =>
    e.keyword === 'additionalProperties'
      ? `${describe(o)}: unknown field ${e.instancePath}/${(e.params as { additionalProperty: string }).additionalProperty}`
      : `${describe(o)}: ${e.instancePath || '/'} ${e.message ?? e.keyword}`,
  );
}

/** Problems of one object, empty when Kubernetes would accept it. */
export function validateObject(o: K8sObject): string[] {
  const key = typeKey(o);
  if (key in CUSTOM_SCHEMAS) return validateCustom(key, o);
  const Model = MODELS[key];
  if (!Model) return [`${describe(o)}: no schema for ${key} (supported: ${supportedKinds().join(', ')})`];
  try {
    new Model(structuredClone(o) as never).validate();
  } catch (err) {
    return [`${describe(o)}: ${(err as Error).message}`];
  }
  const reads = new Map<object, Set<string>>();
  const proxy = recordingCopy(o, reads);
  Model.prototype.validate.call(proxy);
  return unreadFields(o, reads, '').map((path) => `${describe(o)}: unknown field ${path}`);
}

/** Problems of every object, each line naming kind/name. */
export function validateObjects(objects: readonly K8sObject[]): string[] {
  return objects.flatMap(validateObject);
}
