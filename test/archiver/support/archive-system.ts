// A small cluster for the archiver tests: the machine's PostgreSQL (a schema of its own) and
// NATS JetStream (a stream prefix of its own), a primary S3 API (s3rver), and real built apps
// as child processes (indexer, scp-listener, qr-service, archivers) sharing one configuration
// file. Tiers and forwarding rules are the test's; every name and port is unique to the run.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { connect as netConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NatsBus } from '@pacs/messaging';
import { openDatabase, type DataSource } from '@pacs/persistence';
import { S3ObjectStore, type ObjectStore } from '@pacs/storage';
import { S3RVER_CREDENTIALS, TEST_PG_URL, freePort, startPacsProcess, startS3rver, type PacsProcess, type RunningS3 } from '@pacs/testing';

export const NATS_URL = process.env['PACS_TEST_NATS_URL'] ?? 'nats://127.0.0.1:4222';

export type App = 'indexer' | 'qr-service' | 'scp-listener' | 'archiver';

export interface ArchiveSystem {
  dir: string;
  schema: string;
  primary: RunningS3;
  primaryBucket: string;
  /** Writes a configuration file from the common part plus `extra` (top-level sections, merged one level deep). */
  configFile(name: string, extra: Record<string, unknown>): string;
  start(app: App, configFile: string, env?: Record<string, string>): Promise<PacsProcess>;
  /** The DICOM port of a started scp-listener. */
  dicomPort(listener: PacsProcess): number;
  db: DataSource;
  s3Store(port: number, bucket: string): ObjectStore;
  stop(): Promise<void>;
}

export interface S3Tier {
  s3: RunningS3;
  bucket: string;
  config: Record<string, unknown>;
}

export async function startS3Tier(prefix: string): Promise<S3Tier> {
  const s3 = await startS3rver();
  const bucket = `${prefix}-${randomBytes(4).toString('hex')}`;
  return { s3, bucket, config: { endPoint: '127.0.0.1', port: s3.port, useSSL: false, ...S3RVER_CREDENTIALS, bucket, createBucket: true } };
}

export async function startArchiveSystem(common: Record<string, unknown>, storageTiers: unknown[] = []): Promise<ArchiveSystem> {
  const suffix = randomBytes(4).toString('hex');
  const schema = `archive_${suffix}`;
  const streamPrefix = `ARCHIVE_${suffix.toUpperCase()}`;
  const dir = mkdtempSync(join(tmpdir(), 'pacs-archive-'));
  const primary = await startS3rver();
  const primaryBucket = `pacs-archive-${suffix}`;
  const processes: PacsProcess[] = [];
  const base: Record<string, Record<string, unknown> | unknown> = {
    mode: 'cluster',
    database: { url: TEST_PG_URL, schema, poolSize: 4 },
    bus: { servers: NATS_URL, streamPrefix },
    storage: { s3: { endPoint: '127.0.0.1', port: primary.port, useSSL: false, ...S3RVER_CREDENTIALS, bucket: primaryBucket, createBucket: true }, tiers: storageTiers },
    reconciler: { enabled: false },
    ...common,
  };
  const configFile = (name: string, extra: Record<string, unknown>): string => {
    const merged: Record<string, unknown> = { ...base };
    for (const [key, value] of Object.entries(extra)) {
      const current = merged[key];
      merged[key] = isObject(current) && isObject(value) ? { ...current, ...value } : value;
    }
    const path = join(dir, `${name}.json`);
    writeFileSync(path, JSON.stringify(merged, null, 2));
    return path;
  };
  // The migrations run once, here, before any app starts.
  const db = await openDatabase({ driver: 'postgres', url: TEST_PG_URL, schema, poolSize: 4, statementTimeoutMs: 20_000 });
  return {
    dir,
    schema,
    primary,
    primaryBucket,
    configFile,
    db,
    async start(app, file, env = {}) {
      const p = startPacsProcess(app, { PACS_CONFIG: file, ...env });
      processes.push(p);
      await p.waitForLog((l) => l['msg'] === 'service started', `${app} started`);
      return p;
    },
    dicomPort(listener) {
      const line = listener.logs.find((l) => l['msg'] === 'DICOM listening' && l['tls'] === false);
      if (!line) throw new Error('the listener has not logged its DICOM port');
      return Number(line['port']);
    },
    s3Store: (port, bucket) => new S3ObjectStore({ endPoint: '127.0.0.1', port, useSSL: false, ...S3RVER_CREDENTIALS, bucket, region: 'us-east-1', pathStyle: true }),
    async stop() {
      await Promise.all(processes.map((p) => p.stop('SIGKILL').catch(() => undefined)));
      await db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
      await db.destroy().catch(() => undefined);
      const bus = await NatsBus.connect({ servers: NATS_URL }).catch(() => undefined);
      await bus?.deleteStream(`${streamPrefix}_INGEST`).catch(() => undefined);
      await bus?.close().catch(() => undefined);
      await primary.stop().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export async function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 120_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs; // hang guard only
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export interface Storescp {
  port: number;
  dir: string;
  /** Files received so far. */
  files(): string[];
  stop(): Promise<void>;
}

/** DCMTK storescp (-B: the data set as received) on `port`, writing into a directory of its own. */
export async function startStorescp(aeTitle: string, port: number, parent: string): Promise<Storescp> {
  const dir = join(parent, `${aeTitle}-${randomBytes(3).toString('hex')}`);
  mkdirSync(dir, { recursive: true });
  const child: ChildProcess = spawn('storescp', ['-aet', aeTitle, '-B', '+xa', '-od', dir, String(port)], { env: { ...process.env, TCP_NODELAY: '1' }, stdio: 'ignore' });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  await until(`storescp ${aeTitle} listening`, () => portOpen(port), 20_000, 50);
  return {
    port,
    dir,
    files: () => readdirSync(dir).filter((f) => !f.startsWith('.')),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

export function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = netConnect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export { freePort };

/** Runs a DCMTK tool to completion (bounded), output captured. */
export function runTool(cmd: string, args: string[], timeoutMs = 120_000): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { env: { ...process.env, TCP_NODELAY: '1' } });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}
