// A local cluster simulation of the Helm deployment: HAProxy (TCP, leastconn) in front of N
// scp-listener processes, indexers and qr-services in cluster mode, on the machine's
// PostgreSQL (a unique schema), the machine's NATS JetStream (a unique stream prefix) and an
// S3 API (s3rver). Every process is a real built app (dist/apps/<name>/main.js).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NatsBus } from '@pacs/messaging';
import { openDatabase, type DataSource } from '@pacs/persistence';
import { S3ObjectStore, type ObjectStore } from '@pacs/storage';
import { S3RVER_CREDENTIALS, TEST_PG_URL, freePort, startPacsProcess, startS3rver, type PacsProcess, type RunningS3 } from '@pacs/testing';
import { startHaproxy, type BackendServer, type RunningHaproxy } from './haproxy';

export const NATS_URL = process.env['PACS_TEST_NATS_URL'] ?? 'nats://127.0.0.1:4222';

export interface TlsFiles {
  certFile: string;
  keyFile: string;
  caFile: string;
  requireClientCert: boolean;
}

export interface ClusterOptions {
  listeners: number;
  indexers: number;
  qrServices: number;
  /** Extra lines of the shared YAML configuration (aeMap entries, qr, ingest…). */
  extraConfig?: string[];
  /** aeMap entries as YAML flow mappings; default: MODALITY and VIEWER. */
  aeMap?: string[];
  /** Extra PACS_* variables of every process. */
  env?: Record<string, string>;
  /** DICOM TLS on every listener, with its own HAProxy frontend. */
  tls?: TlsFiles;
  /** HAProxy health check interval. */
  checkIntervalMs?: number;
}

export interface ClusterListener {
  name: string;
  process: PacsProcess;
  dicomPort: number;
  tlsPort?: number;
  probePort: number;
}

export interface Cluster {
  /** HAProxy's DICOM port: the one address modalities know. */
  port: number;
  /** HAProxy's DICOM TLS port, when TLS is on. */
  tlsPort?: number;
  haproxy: RunningHaproxy;
  listeners: ClusterListener[];
  indexers: PacsProcess[];
  qrServices: PacsProcess[];
  s3: RunningS3;
  schema: string;
  streamPrefix: string;
  bucket: string;
  configFile: string;
  /** Starts another process of the app on the same configuration (a replacement pod). */
  startProcess(app: 'indexer' | 'qr-service' | 'scp-listener' | 'archiver', env?: Record<string, string>): PacsProcess;
  /** A connection to the cluster's schema (close it). */
  database(): Promise<DataSource>;
  store(): ObjectStore;
  stop(): Promise<void>;
}

const started = (p: PacsProcess): Promise<unknown> => p.waitForLog((l) => l['msg'] === 'service started', 'service started');

/** Starts the simulation; every name (schema, stream prefix, bucket, ports) is unique to it. */
export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const suffix = randomBytes(4).toString('hex');
  const schema = `cluster_${suffix}`;
  const streamPrefix = `CLUSTER_${suffix.toUpperCase()}`;
  const bucket = `pacs-cluster-${suffix}`;
  const dir = mkdtempSync(join(tmpdir(), 'pacs-cluster-'));
  const all: PacsProcess[] = [];
  let s3: RunningS3 | undefined;
  let haproxy: RunningHaproxy | undefined;

  const cleanup = async (): Promise<void> => {
    await haproxy?.stop().catch(() => undefined);
    await Promise.all(all.map((p) => p.stop('SIGKILL').catch(() => undefined)));
    await s3?.stop().catch(() => undefined);
    const db = await openDatabase({ driver: 'postgres', url: TEST_PG_URL, schema, poolSize: 1, statementTimeoutMs: 10_000 }, { migrate: false }).catch(() => undefined);
    await db?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
    await db?.destroy().catch(() => undefined);
    const bus = await NatsBus.connect({ servers: NATS_URL }).catch(() => undefined);
    await bus?.deleteStream(`${streamPrefix}_INGEST`).catch(() => undefined);
    await bus?.close().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    s3 = await startS3rver();
    const configFile = join(dir, 'cluster.yaml');
    const aeMap = options.aeMap ?? ['{ aeTitle: MODALITY }', '{ aeTitle: VIEWER }'];
    const tls = options.tls;
    writeFileSync(configFile, [
      'mode: cluster',
      `database: { url: "${TEST_PG_URL}", schema: ${schema}, poolSize: 4 }`,
      `bus: { servers: "${NATS_URL}", streamPrefix: ${streamPrefix} }`,
      `storage: { s3: { endPoint: 127.0.0.1, port: ${s3.port}, useSSL: false, accessKey: ${S3RVER_CREDENTIALS.accessKey}, secretKey: ${S3RVER_CREDENTIALS.secretKey}, bucket: ${bucket}, createBucket: true } }`,
      ...(tls
        ? [`dicom: { tls: { enabled: true, port: 0, certFile: "${tls.certFile}", keyFile: "${tls.keyFile}", caFile: "${tls.caFile}", requireClientCert: ${tls.requireClientCert} } }`]
        : []),
      'aeMap:',
      ...aeMap.map((e) => `  - ${e}`),
      ...(options.extraConfig ?? []),
      '',
    ].join('\n'));
    const startProcess: Cluster['startProcess'] = (app, env = {}) => {
      const p = startPacsProcess(app, { PACS_CONFIG: configFile, ...options.env, ...env });
      all.push(p);
      return p;
    };

    // The indexers and qr-services first: they apply the migrations (serialised by an advisory lock).
    const indexers = Array.from({ length: options.indexers }, () => startProcess('indexer'));
    const qrServices = Array.from({ length: options.qrServices }, () => startProcess('qr-service'));
    const listenerProcesses = Array.from({ length: options.listeners }, () => startProcess('scp-listener'));
    const listeners: ClusterListener[] = await Promise.all(listenerProcesses.map(async (process, i) => {
      const plain = await process.waitForLog((l) => l['msg'] === 'DICOM listening' && l['tls'] === false, 'DICOM listening');
      const probe = await process.waitForLog((l) => l['msg'] === 'HTTP probes listening', 'HTTP probes listening');
      const secure = tls ? await process.waitForLog((l) => l['msg'] === 'DICOM listening' && l['tls'] === true, 'DICOM TLS listening') : undefined;
      await started(process);
      return {
        name: `l${i + 1}`,
        process,
        dicomPort: Number(plain['port']),
        probePort: Number(probe['port']),
        ...(secure ? { tlsPort: Number(secure['port']) } : {}),
      };
    }));
    await Promise.all([...indexers, ...qrServices].map(started));

    const port = await freePort();
    const tlsPort = tls ? await freePort() : undefined;
    const backend = (pick: (l: ClusterListener) => number): BackendServer[] => listeners.map((l) => ({ name: l.name, port: pick(l), checkPort: l.probePort }));
    haproxy = await startHaproxy([
      { name: 'dicom', bindPort: port, servers: backend((l) => l.dicomPort) },
      ...(tlsPort === undefined ? [] : [{ name: 'dicom-tls', bindPort: tlsPort, servers: backend((l) => l.tlsPort as number) }]),
    ], options.checkIntervalMs);
    await haproxy.waitFor(listeners.map((l) => l.name), 'UP', 'listeners ready');

    const s3Port = s3.port;
    const runningHaproxy = haproxy;
    return {
      port,
      ...(tlsPort === undefined ? {} : { tlsPort }),
      haproxy: runningHaproxy,
      listeners,
      indexers,
      qrServices,
      s3,
      schema,
      streamPrefix,
      bucket,
      configFile,
      startProcess,
      database: () => openDatabase({ driver: 'postgres', url: TEST_PG_URL, schema, poolSize: 2, statementTimeoutMs: 10_000 }, { migrate: false }),
      store: () => new S3ObjectStore({ endPoint: '127.0.0.1', port: s3Port, useSSL: false, ...S3RVER_CREDENTIALS, bucket, region: 'us-east-1', pathStyle: true }),
      stop: cleanup,
    };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

/** Open associations of a listener according to its own log (accepted minus ended). */
export function openAssociations(listener: PacsProcess): number {
  const accepted = new Set<unknown>();
  for (const l of listener.logs) {
    if (l['msg'] === 'association accepted') accepted.add(l['assocId']);
    else if (l['msg'] === 'association released' || l['msg'] === 'association aborted') accepted.delete(l['assocId']);
  }
  return accepted.size;
}

/** The listeners' last warnings and errors, for an assertion message: what the PACS said went wrong. */
export function listenerWarnings(cluster: Cluster): string {
  return JSON.stringify(cluster.listeners.flatMap((l) => l.process.logs).filter((l) => l['level'] === 'warn' || l['level'] === 'error').slice(-10));
}
