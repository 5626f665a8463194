import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkApiRules } from './api-rules';
import type { K8sObject } from './render-chart';
import { validateObject } from './validate-objects';

const labels = { 'app.kubernetes.io/name': 'pacs', 'app.kubernetes.io/component': 'x' };

function deployment(): K8sObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'x', labels, annotations: { 'example.org/note': 'free text' } },
    spec: {
      replicas: 2,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          containers: [
            {
              name: 'x',
              image: 'pacs:1',
              ports: [{ name: 'http', containerPort: 8080 }],
              resources: { requests: { cpu: '100m' }, limits: { memory: '1Gi' } },
              readinessProbe: { httpGet: { path: '/readyz', port: 'http' } },
            },
          ],
        },
      },
    },
  };
}

function service(targetPort: string): K8sObject {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name: 'x' }, spec: { selector: labels, ports: [{ name: 'http', port: 80, targetPort }] } };
}

/** The object at `path` inside a fixture, to change one field of it. */
function dig(o: unknown, ...path: (string | number)[]): Record<string, unknown> {
  let cur = o as Record<string, unknown>;
  for (const p of path) cur = cur[p] as Record<string, unknown>;
  return cur;
}

describe('validateObject against the Kubernetes 1.27 schemas', () => {
  test('a well-formed Deployment passes, maps of free keys (labels, annotations, resources) included', () => {
    assert.deepEqual(validateObject(deployment()), []);
  });

  test('a wrong type is reported with its path', () => {
    const d = deployment();
    dig(d, 'spec').replicas = 'two';
    const [problem] = validateObject(d);
    assert.match(problem ?? '', /^Deployment\/x: .*spec\/replicas must be integer/);
  });

  test('a field the schema does not know is reported (kubectl strict validation would refuse it)', () => {
    const d = deployment();
    dig(d, 'spec', 'template', 'spec', 'containers', 0).readinesProbe = { httpGet: { path: '/readyz', port: 'http' } };
    assert.deepEqual(validateObject(d), ['Deployment/x: unknown field /spec/template/spec/containers/0/readinesProbe']);
  });

  test('a kind without a schema is a problem, not a pass', () => {
    assert.match(validateObject({ apiVersion: 'example.org/v1', kind: 'Widget', metadata: { name: 'w' } })[0] ?? '', /no schema for example\.org\/v1\/Widget/);
  });

  test('ServiceMonitor is checked against its hand-written CRD subset', () => {
    const sm: K8sObject = {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'ServiceMonitor',
      metadata: { name: 'm' },
      spec: { selector: { matchLabels: labels }, endpoints: [{ port: 'metrics', interval: '30s' }] },
    };
    assert.deepEqual(validateObject(sm), []);
    dig(sm, 'spec', 'endpoints', 0).intervall = '30s';
    dig(sm, 'spec', 'endpoints', 0).interval = 'thirty';
    const problems = validateObject(sm);
    assert.ok(problems.some((p) => p.includes('unknown field /spec/endpoints/0/intervall')), problems.join('\n'));
    assert.ok(problems.some((p) => p.includes('/spec/endpoints/0/interval must match pattern')), problems.join('\n'));
  });
});

describe('checkApiRules: what the API server and controllers enforce beyond the schema', () => {
  test('a consistent Deployment and Service pass', () => {
    assert.deepEqual(checkApiRules([deployment(), service('http')]), []);
  });

  test('a Service targetPort that no container declares', () => {
    assert.deepEqual(checkApiRules([deployment(), service('metrics')]), ['Service/x: targetPort metrics is not a container port of Deployment/x']);
  });

  test('a Deployment whose selector does not match its own pods', () => {
    const d = deployment();
    dig(d, 'spec', 'selector').matchLabels = { 'app.kubernetes.io/name': 'other' };
    assert.ok(checkApiRules([d]).includes('Deployment/x: spec.selector does not match the pod template labels'));
  });

  test('an HPA aimed at a Deployment that also sets replicas, or at none', () => {
    const hpa = (name: string): K8sObject => ({
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'h' },
      spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name }, minReplicas: 1, maxReplicas: 2 },
    });
    assert.deepEqual(checkApiRules([deployment(), hpa('x')]), ['HorizontalPodAutoscaler/h: Deployment/x sets spec.replicas, which every upgrade would reset under the HPA']);
    assert.deepEqual(checkApiRules([deployment(), hpa('y')]), ['HorizontalPodAutoscaler/h: scaleTargetRef Deployment/y does not exist']);
  });

  test('label values, port names and object names follow apimachinery syntax', () => {
    const d = deployment();
    dig(d, 'metadata').labels = { ...labels, version: 'x'.repeat(64) };
    dig(d, 'spec', 'template', 'spec', 'containers', 0, 'ports', 0).name = 'http-endpoint-long';
    dig(d, 'metadata').name = 'Bad_Name';
    const problems = checkApiRules([d]);
    assert.ok(problems.some((p) => p.includes('is not a valid label value')), problems.join('\n'));
    assert.ok(problems.some((p) => p.includes('port name http-endpoint-long is not an IANA service name')), problems.join('\n'));
    assert.ok(problems.some((p) => p.includes('name is not a DNS-1123 label')), problems.join('\n'));
  });
});
