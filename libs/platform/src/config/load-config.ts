import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from './config-error';
import { applyEnvOverrides } from './env-overrides';
import { configSchema, type RawConfig } from './schema';

/** The validated configuration with mode-dependent defaults filled in. */
export interface PacsConfig extends RawConfig {
  database: RawConfig['database'] & { driver: 'pglite' | 'postgres'; dataDir: string };
  bus: RawConfig['bus'] & { driver: 'in-process' | 'nats' };
  storage: RawConfig['storage'] & { driver: 'filesystem' | 's3'; filesystem: { root: string } };
  dicom: RawConfig['dicom'] & { acceptUnknownCallingAe: boolean };
}

export interface LoadConfigInput {
  argv?: readonly string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Values that win over file and environment (tests). */
  overrides?: Record<string, unknown>;
}

function configFilePath(argv: readonly string[], env: NodeJS.ProcessEnv): string | undefined {
  const i = argv.indexOf('--config');
  if (i >= 0) {
    const p = argv[i + 1];
    if (p === undefined || p.startsWith('--')) throw new ConfigError('--config', 'expected a file path after --config');
    return p;
  }
  const eq = argv.find((a) => a.startsWith('--config='));
  return eq ? eq.slice('--config='.length) : env['PACS_CONFIG'];
}

function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError('PACS_CONFIG', `cannot read config file ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  let parsed: unknown;
  try {
    parsed = parseYaml(text);
  } catch (err) {
    throw new ConfigError('PACS_CONFIG', `${path} is not valid YAML/JSON: ${(err as Error).message.split('\n')[0]}`);
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) throw new ConfigError('PACS_CONFIG', `${path} must hold a mapping of keys`);
  return parsed as Record<string, unknown>;
}

function deepMerge(into: Record<string, unknown>, from: Record<string, unknown>): Record<string, unknown> {
  for (const [k, v] of Object.entries(from)) {
    const cur = into[k];
    if (v && typeof v === 'object' && !Array.isArray(v) && cur && typeof cur === 'object' && !Array.isArray(cur)) {
      deepMerge(cur as Record<string, unknown>, v as Record<string, unknown>);
    } else into[k] = v;
  }
  return into;
}

function describeIssue(issue: z.ZodIssue): string {
  if (issue.code === 'unrecognized_keys') return `unknown key(s) ${issue.keys.join(', ')}`;
  if (issue.code === 'invalid_type') return `expected ${issue.expected}, got ${issue.received}`;
  if (issue.code === 'invalid_enum_value') return `expected one of ${issue.options.join(', ')}, got ${JSON.stringify(issue.received)}`;
  return issue.message;
}

/**
 * Reads, merges and validates the configuration: defaults < file < PACS_* environment <
 * overrides. Throws ConfigError naming the first bad key.
 */
export function loadConfig(input: LoadConfigInput = {}): PacsConfig {
  const env = input.env ?? process.env;
  const cwd = input.cwd ?? process.cwd();
  const file = configFilePath(input.argv ?? process.argv.slice(2), env);
  const raw = file ? readConfigFile(isAbsolute(file) ? file : resolve(cwd, file)) : {};
  const sources = applyEnvOverrides(configSchema, raw, env);
  if (input.overrides) deepMerge(raw, structuredClone(input.overrides));

  const result = configSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0] as z.ZodIssue;
    const key = issue.path.join('.') || '(root)';
    throw new ConfigError(key, describeIssue(issue), sources.get(key) ?? (file ? file : undefined));
  }
  return withModeDefaults(result.data, cwd);
}

function withModeDefaults(c: RawConfig, cwd: string): PacsConfig {
  const embedded = c.mode === 'embedded';
  const dataDir = resolve(cwd, c.dataDir);
  const config: PacsConfig = {
    ...c,
    dataDir,
    database: {
      ...c.database,
      driver: c.database.driver ?? (embedded ? 'pglite' : 'postgres'),
      dataDir: resolve(cwd, c.database.dataDir ?? `${dataDir}/db`),
    },
    bus: { ...c.bus, driver: c.bus.driver ?? (embedded ? 'in-process' : 'nats') },
    storage: {
      ...c.storage,
      driver: c.storage.driver ?? (embedded ? 'filesystem' : 's3'),
      filesystem: { root: resolve(cwd, c.storage.filesystem.root ?? `${dataDir}/objects`) },
    },
    dicom: { ...c.dicom, acceptUnknownCallingAe: c.dicom.acceptUnknownCallingAe ?? embedded },
  };
  if (config.database.driver === 'postgres' && !config.database.url) {
    throw new ConfigError('database.url', 'required when database.driver is postgres (e.g. postgres://pacs@db:5432/pacs)');
  }
  if (config.storage.driver === 's3' && (!config.storage.s3.accessKey || !config.storage.s3.secretKey)) {
    throw new ConfigError('storage.s3.accessKey', 'S3 credentials (storage.s3.accessKey and storage.s3.secretKey) are required when storage.driver is s3');
  }
  if (config.dicom.tls.enabled && (!config.dicom.tls.certFile || !config.dicom.tls.keyFile)) {
    throw new ConfigError('dicom.tls.certFile', 'certFile and keyFile are required when dicom.tls.enabled is true');
  }
  return config;
}

/** Public view of the configuration for logs and the status page: secrets masked. */
export function redactConfig(config: PacsConfig): PacsConfig {
  const mask = (v: string | undefined): string | undefined => (v ? '***' : v);
  return {
    ...config,
    database: { ...config.database, url: config.database.url?.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@') },
    bus: { ...config.bus, password: mask(config.bus.password), token: mask(config.bus.token) },
    storage: {
      ...config.storage,
      s3: { ...config.storage.s3, secretKey: mask(config.storage.s3.secretKey) ?? '' },
      tiers: config.storage.tiers.map((t) => (t.s3 ? { ...t, s3: { ...t.s3, secretKey: mask(t.s3.secretKey) ?? '' } } : t)),
    },
    ingest: { ...config.ingest, uidRemapSecret: mask(config.ingest.uidRemapSecret) },
    http: { ...config.http, auth: { ...config.http.auth, adminToken: mask(config.http.auth.adminToken) } },
  };
}
