import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { loadChart } from '../../tools/k8s/chart/load-chart';
import { ValuesSchemaError, validateValues } from '../../tools/k8s/chart/values';
import { CHART_DIR, render } from './chart-fixtures';

// values.schema.json guards `helm install`: it must accept values.yaml, reject bad values
// with a message naming the key, and every value must be documented where it is declared.

const chart = loadChart(CHART_DIR);
const schema = chart.schema as Record<string, unknown>;

function rejection(values: object): string[] {
  try {
    render(values);
  } catch (err) {
    if (err instanceof ValuesSchemaError) return [...err.problems];
    throw err;
  }
  assert.fail(`accepted ${JSON.stringify(values)}`);
}

describe('values.schema.json', () => {
  test('is JSON Schema draft-07 and accepts the chart defaults', () => {
    assert.equal(schema['$schema'], 'http://json-schema.org/draft-07/schema#');
    assert.deepEqual(validateValues(schema, chart.values), []);
  });

  test('a wrong type is rejected naming the path: listener.replicas "two"', () => {
    assert.deepEqual(rejection({ listener: { replicas: 'two' } }), ['listener.replicas: must be integer, got "two"']);
  });

  test('an unknown key is rejected naming it and the keys that exist', () => {
    const [problem] = rejection({ listener: { replica: 3 } });
    assert.match(problem ?? '', /^listener\.replica: unknown key \(listener has .*replicas/);
    assert.match(rejection({ replicaCount: 3 })[0] ?? '', /^replicaCount: unknown key \(top level has /);
  });

  test('a secret cannot be put into values: there is no key for it', () => {
    assert.match(rejection({ database: { url: 'postgres://pacs:secret@db/pacs' } })[0] ?? '', /^database\.url: unknown key/);
    assert.match(rejection({ storage: { s3: { secretKey: 'abc' } } })[0] ?? '', /^storage\.s3\.secretKey: unknown key/);
  });

  test('enums, ranges, patterns and conditional requirements', () => {
    assert.deepEqual(rejection({ listener: { service: { externalTrafficPolicy: 'local' } } }), ['listener.service.externalTrafficPolicy: must be one of "Local", "Cluster", got "local"']);
    assert.deepEqual(rejection({ storage: { s3: { port: 70000 } } }), ['storage.s3.port: must be <= 65535, got 70000']);
    assert.deepEqual(rejection({ dicom: { aeTitle: 'A_TITLE_THAT_IS_TOO_LONG' } }), ['dicom.aeTitle: must NOT have more than 16 characters, got "A_TITLE_THAT_IS_TOO_LONG"']);
    assert.match(rejection({ dicom: { aeTitle: 'A\\B' } })[0] ?? '', /^dicom\.aeTitle: must match pattern/);
    assert.deepEqual(rejection({ dicom: { tls: { enabled: true } } }), ['dicom.tls.existingSecret: must NOT have fewer than 1 characters, got "" (required when dicom.tls.enabled is true)']);
    assert.deepEqual(rejection({ dicom: { tls: { enabled: true, existingSecret: 'tls', requireClientCert: true } } }), ['dicom.tls.caKey: must NOT have fewer than 1 characters, got "" (required when dicom.tls.requireClientCert is true)']);
    assert.deepEqual(rejection({ extraConfig: { DICOM_PORT: '104' } }), ['extraConfig: key "DICOM_PORT" must match pattern "^PACS_[A-Z0-9_]+$"']);
    assert.deepEqual(rejection({ bus: { servers: 'nats:4222' } }).length, 1);
    assert.deepEqual(rejection({ drain: { graceMarginSeconds: 0 } }), ['drain.graceMarginSeconds: must be >= 1, got 0']);
  });

  test('numbers printed into the ConfigMap stay below 1e6, where Helm would switch to exponent form', () => {
    assert.deepEqual(rejection({ database: { statementTimeoutMs: 1000000 } }), ['database.statementTimeoutMs: must be <= 999999, got 1000000']);
  });

  test('several problems are all reported, one line each', () => {
    assert.equal(rejection({ listener: { replicas: -1 }, log: { level: 'verbose' } }).length, 2);
  });
});

/** Key paths of values.yaml with the `## @param` lines above each, read from the text. */
function declaredKeys(text: string): { params: Map<string, string>; keys: Map<string, string[]> } {
  const lines = text.split('\n');
  const params = new Map<string, string>();
  const keys = new Map<string, string[]>();
  const stack: { indent: number; key: string }[] = [];
  lines.forEach((line, i) => {
    const param = /^\s*## @param (\S+)\s*(.*)$/.exec(line);
    if (param) {
      assert.ok(!params.has(param[1] as string), `@param ${param[1] as string} appears twice`);
      params.set(param[1] as string, param[2] as string);
      return;
    }
    const m = /^(\s*)([A-Za-z0-9_]+):(\s|$)/.exec(line);
    if (!m) return;
    const indent = (m[1] as string).length;
    while (stack.length > 0 && (stack[stack.length - 1] as { indent: number }).indent >= indent) stack.pop();
    stack.push({ indent, key: m[2] as string });
    const comments: string[] = [];
    for (let j = i - 1; j >= 0 && /^\s*#/.test(lines[j] as string); j--) comments.unshift(lines[j] as string);
    keys.set(stack.map((s) => s.key).join('.'), comments);
  });
  return { params, keys };
}

type SchemaNode = { properties?: Record<string, SchemaNode>; required?: string[] };

describe('values.yaml documentation', () => {
  const text = readFileSync(join(CHART_DIR, 'values.yaml'), 'utf8');
  const { params, keys } = declaredKeys(text);

  test('every chart setting has a "## @param <path> <description>" comment right above its key', () => {
    // A chart setting is a key the schema requires; a section (an object that itself
    // requires keys) is documented through its settings; free-form Kubernetes objects
    // (resources, securityContext, ...) are documented as a whole.
    const missing: string[] = [];
    const walk = (node: SchemaNode, path: string[]): void => {
      for (const key of node.required ?? []) {
        const child = node.properties?.[key] ?? {};
        const childPath = [...path, key];
        const isSection = (child.required ?? []).length > 0;
        if (isSection) walk(child, childPath);
        else {
          const dotted = childPath.join('.');
          const comments = keys.get(dotted);
          if (!comments?.some((c) => c.trim().startsWith(`## @param ${dotted} `))) missing.push(dotted);
        }
      }
    };
    walk(schema as SchemaNode, []);
    assert.deepEqual(missing, []);
  });

  test('every @param names a key that exists, and says something', () => {
    for (const [path, description] of params) {
      assert.ok(keys.has(path), `@param ${path} documents no key of values.yaml`);
      assert.ok(description.length >= 10, `@param ${path} has no real description`);
    }
  });

  test('the reading of values.yaml used above finds the keys it should (so the checks can fail)', () => {
    assert.ok(keys.has('listener.replicas') && keys.has('dicom.tls.existingSecret') && params.has('listener.replicas'));
    assert.ok(params.size > 100, String(params.size));
  });
});
