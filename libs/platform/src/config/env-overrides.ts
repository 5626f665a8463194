import { z } from 'zod';
import { ConfigError } from './config-error';

// PACS_<SECTION>__<KEY>=value sets section.key. Segments are matched against the schema's own
// keys ignoring case and underscores (PACS_STORAGE__S3__USE_SSL → storage.s3.useSSL), so the
// schema stays the single source of names. An unknown PACS_ variable is an error, not ignored:
// a typo in a deployment must not silently fall back to a default.
export const ENV_PREFIX = 'PACS_';
const NOT_KEYS = new Set(['PACS_CONFIG']);

const norm = (s: string): string => s.toLowerCase().replace(/_/g, '');

function unwrap(schema: z.ZodTypeAny): z.ZodTypeAny {
  let s = schema;
  for (;;) {
    if (s instanceof z.ZodDefault) s = s._def.innerType;
    else if (s instanceof z.ZodOptional || s instanceof z.ZodNullable) s = s.unwrap();
    else if (s instanceof z.ZodEffects) s = s.innerType();
    else return s;
  }
}

interface Target {
  path: string[];
  leaf: z.ZodTypeAny;
}

function resolvePath(root: z.ZodTypeAny, segments: string[], variable: string): Target {
  const path: string[] = [];
  let node = unwrap(root);
  for (const seg of segments) {
    if (!(node instanceof z.ZodObject)) {
      throw new ConfigError(path.join('.') || '(root)', `is not a section, so ${variable} has no meaning`, variable);
    }
    const shape = node.shape as Record<string, z.ZodTypeAny>;
    const key = Object.keys(shape).find((k) => norm(k) === norm(seg));
    if (key === undefined) {
      const where = path.length > 0 ? path.join('.') : 'the configuration';
      throw new ConfigError(
        [...path, seg.toLowerCase()].join('.'),
        `unknown key; ${where} has ${Object.keys(shape).join(', ')}`,
        variable,
      );
    }
    path.push(key);
    node = unwrap(shape[key] as z.ZodTypeAny);
  }
  return { path, leaf: node };
}

function coerce(leaf: z.ZodTypeAny, raw: string): unknown {
  if (leaf instanceof z.ZodNumber) return /^-?\d+(\.\d+)?$/.test(raw.trim()) ? Number(raw) : raw;
  if (leaf instanceof z.ZodBoolean) return raw === 'true' ? true : raw === 'false' ? false : raw;
  if (leaf instanceof z.ZodArray) return raw.split(',').map((v) => v.trim()).filter(Boolean);
  if (leaf instanceof z.ZodUnion && raw.includes(',')) return raw.split(',').map((v) => v.trim());
  return raw;
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (next === undefined || next === null || typeof next !== 'object' || Array.isArray(next)) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1] as string] = value;
}

/** Applies PACS_* variables on top of the file values. Returns which variable set which key. */
export function applyEnvOverrides(
  schema: z.ZodTypeAny,
  base: Record<string, unknown>,
  env: NodeJS.ProcessEnv,
): Map<string, string> {
  const sources = new Map<string, string>();
  for (const [variable, raw] of Object.entries(env).sort(([a], [b]) => a.localeCompare(b))) {
    if (!variable.startsWith(ENV_PREFIX) || NOT_KEYS.has(variable) || raw === undefined) continue;
    const segments = variable.slice(ENV_PREFIX.length).split('__').filter(Boolean);
    const { path, leaf } = resolvePath(schema, segments, variable);
    setPath(base, path, coerce(leaf, raw));
    sources.set(path.join('.'), `${variable}=${JSON.stringify(raw)}`);
  }
  return sources;
}
