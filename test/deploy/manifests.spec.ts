import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { checkApiRules } from '../../tools/k8s/api-rules';
import { generateManifests, referencedSecrets, staleManifests } from '../../tools/k8s/generate-manifests';
import type { K8sObject } from '../../tools/k8s/render-chart';
import { validateObjects } from '../../tools/k8s/validate-objects';
import { REPO_ROOT, ofKind, podSpec } from './chart-fixtures';

// k8s/ is generated from helm/pacs: it must be what the chart renders today, and it must
// validate on its own, read back the way kubectl reads it.

function readManifest(file: string): K8sObject[] {
  const docs = parseAllDocuments(readFileSync(join(REPO_ROOT, 'k8s', file), 'utf8'), { version: '1.1' });
  return docs.map((d) => {
    assert.deepEqual(d.errors, [], file);
    return d.toJS() as K8sObject;
  });
}

describe('k8s/ plain manifests', () => {
  test('are up to date with the chart (regenerate with npx tsx tools/k8s/generate-manifests.ts)', () => {
    assert.deepEqual(staleManifests(), []);
  });

  const release = readManifest('pacs.yaml');
  const hooks = readManifest('migrate-job.yaml');

  test('every object validates against the Kubernetes schemas, and together they satisfy the API rules', () => {
    assert.deepEqual(validateObjects([...release, ...hooks]), []);
    assert.deepEqual(checkApiRules([...release, ...hooks]), []);
  });

  test('carry no namespace and no Helm hook annotations, so `kubectl apply -n <ns>` works', () => {
    for (const o of [...release, ...hooks]) {
      assert.equal(o.metadata.namespace, undefined, `${o.kind}/${o.metadata.name}`);
      assert.ok(!Object.keys(o.metadata.annotations ?? {}).some((k) => k.startsWith('helm.sh/')), `${o.kind}/${o.metadata.name}`);
      assert.equal(o.metadata.labels?.['app.kubernetes.io/managed-by'], 'kubectl');
    }
  });

  test('the migration Job is in its own file, to run to completion before the services', () => {
    assert.equal(ofKind(release, 'Job').length, 0);
    assert.deepEqual(hooks.map((o) => `${o.kind}/${o.metadata.name}`), ['ConfigMap/pacs-migrate', 'Job/pacs-migrate']);
    assert.deepEqual(ofKind(release, 'Deployment').length, 5);
  });

  test('objects are in Helm install order: ConfigMap and ServiceAccount before the Deployments that use them', () => {
    const kinds = release.map((o) => o.kind);
    assert.ok(kinds.indexOf('ConfigMap') < kinds.indexOf('Deployment'));
    assert.ok(kinds.indexOf('ServiceAccount') < kinds.indexOf('Deployment'));
  });

  test('the README lists every Secret the pods read, with its keys', () => {
    const readme = generateManifests().get('k8s/README.md') as string;
    const secrets = referencedSecrets([...release, ...hooks]);
    assert.deepEqual(secrets.map((s) => s.name), ['pacs-admin-api', 'pacs-database', 'pacs-s3']);
    for (const s of secrets) for (const key of s.keys) assert.ok(readme.includes(`--from-literal=${key}=`), `${s.name}/${key}`);
    for (const w of ofKind(release, 'Deployment')) assert.ok(podSpec(w).containers.length === 1);
  });
});
