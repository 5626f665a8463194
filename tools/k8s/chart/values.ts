import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { isMap, type GoMap, type GoValue } from '../template/go-values';

/** Values rejected by values.schema.json; `problems` name each path, one line each. */
export class ValuesSchemaError extends Error {
  override readonly name = 'ValuesSchemaError';

  constructor(readonly problems: readonly string[]) {
    super(`values don't meet the specifications of values.schema.json:\n${problems.map((p) => `- ${p}`).join('\n')}`);
  }
}

/** Several user value sets, later ones winning; maps merge, everything else replaces; null is kept (it deletes in coalesce). */
export function mergeUserValues(sets: readonly GoMap[]): GoMap {
  const out: GoMap = {};
  for (const set of sets) mergeInto(out, set);
  return out;
}

function mergeInto(into: GoMap, from: GoMap): void {
  for (const [key, value] of Object.entries(from)) {
    const current = into[key];
    if (isMap(value) && isMap(current)) mergeInto(current, value);
    else into[key] = structuredClone(value);
  }
}

/** Helm's coalesce: the chart's defaults under the user's values; a user null removes the key. */
export function coalesceValues(user: GoMap, defaults: GoMap): GoMap {
  const out: GoMap = structuredClone(defaults);
  for (const [key, value] of Object.entries(user)) {
    const current = out[key];
    if (value === null) delete out[key];
    else if (isMap(value) && isMap(current)) out[key] = coalesceValues(value, current);
    else out[key] = structuredClone(value) as GoValue;
  }
  return out;
}

const dotted = (instancePath: string): string => instancePath.split('/').slice(1).join('.') || '(root)';

function describe(err: ErrorObject): string | undefined {
  const path = dotted(err.instancePath);
  const got = JSON.stringify(err.data);
  if (err.propertyName !== undefined) return `${path}: key ${JSON.stringify(err.propertyName)} ${err.message ?? err.keyword}`;
  switch (err.keyword) {
    case 'propertyNames':
      return undefined; // the key's own error above says which key and why
    case 'additionalProperties': {
      const extra = (err.params as { additionalProperty: string }).additionalProperty;
      const known = Object.keys((err.parentSchema as { properties?: object } | undefined)?.properties ?? {}).sort();
      const where = path === '(root)' ? extra : `${path}.${extra}`;
      return `${where}: unknown key${known.length > 0 ? ` (${path === '(root)' ? 'top level' : path} has ${known.join(', ')})` : ''}`;
    }
    case 'type': {
      const type = (err.params as { type: string | string[] }).type;
      return `${path}: must be ${Array.isArray(type) ? type.join(' or ') : type.split(',').join(' or ')}, got ${got}`;
    }
    case 'enum':
      return `${path}: must be one of ${(err.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}, got ${got}`;
    case 'required':
      return `${path === '(root)' ? '' : `${path}.`}${(err.params as { missingProperty: string }).missingProperty}: required`;
    case 'if':
      return undefined; // the failing "then" branch reports the actual problem
    default: {
      const because = err.schemaPath.includes('/then/') ? (err.parentSchema as { description?: string } | undefined)?.description : undefined;
      const showValue = err.keyword === 'pattern' || err.keyword.endsWith('imum') || err.keyword.endsWith('Length');
      return `${path}: ${err.message ?? err.keyword}${showValue ? `, got ${got}` : ''}${because ? ` (${because})` : ''}`;
    }
  }
}

const compiled = new WeakMap<object, ValidateFunction>();

/** Validates values the way `helm install` does before rendering (JSON Schema draft-07). */
export function validateValues(schema: object, values: GoMap): string[] {
  let validate = compiled.get(schema);
  if (!validate) {
    const ajv = new Ajv({ allErrors: true, verbose: true, strict: true, strictRequired: false, allowUnionTypes: true });
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  if (validate(values)) return [];
  return [...new Set((validate.errors ?? []).map(describe).filter((m): m is string => m !== undefined))];
}
