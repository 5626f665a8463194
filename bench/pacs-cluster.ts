// The `custom:pacs-cluster` peer of ../shared/peers: our PACS in cluster mode as separate
// processes (scp-listener, indexer, qr-service, admin-api) on PostgreSQL, NATS JetStream and
// an S3 API (s3rver, bench/s3-server.ts), in the foreground until SIGTERM, then everything it
// started is stopped and its database schema and JetStream stream are dropped.
//
// Environment (from run-peer.sh): PEER_PORT PEER_DIR PEER_AET MOVE_DEST_AET MOVE_DEST_HOST
// MOVE_DEST_PORT MAX_PDU. Bench settings: BENCH_PG_URL, BENCH_NATS_URL, BENCH_HTTP_PORT
// (default PEER_PORT+1000), BENCH_S3_PORT (default PEER_PORT+3000), BENCH_INDEXERS (1),
// BENCH_LOG_LEVEL (info), BENCH_DIST (the built apps; default dist/), BENCH_NODE_OPTIONS (extra
// node flags for the PACS processes, e.g. --cpu-prof --cpu-prof-dir=DIR).
// The database schema name is written to PEER_DIR/schema.
// Usage (from the repository root): node --import tsx bench/pacs-cluster.ts
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const env = process.env;
const need = (name: string): string => {
  const value = env[name];
  if (!value) {
    console.error(`pacs-cluster: ${name} is not set (run through run-peer.sh custom)`);
    process.exit(2);
  }
  return value;
};
const dicomPort = Number(need('PEER_PORT'));
const peerDir = need('PEER_DIR');
const aeTitle = env['PEER_AET'] ?? 'PACS';
const httpPort = Number(env['BENCH_HTTP_PORT'] ?? dicomPort + 1000);
const s3Port = Number(env['BENCH_S3_PORT'] ?? dicomPort + 3000);
const pgUrl = env['BENCH_PG_URL'] ?? 'postgres://root@127.0.0.1:5432/test';
const natsUrl = env['BENCH_NATS_URL'] ?? 'nats://127.0.0.1:4222';
const indexers = Number(env['BENCH_INDEXERS'] ?? 1);
const logLevel = env['BENCH_LOG_LEVEL'] ?? 'info';
const maxPdu = Number(env['MAX_PDU'] ?? 16384);

// A fresh schema, stream and bucket per start: bench.sh restarts the peer empty for every run.
const suffix = randomBytes(4).toString('hex');
const schema = `bench_${suffix}`;
const streamPrefix = `BENCH_${suffix.toUpperCase()}`;
const bucket = `pacs-bench-${suffix}`;

// The calling AEs of the DCMTK tools (bench.sh uses BENCHSCU for all) and the move destination.
const callingAes = ['BENCHSCU', 'STORESCU', 'FINDSCU', 'MOVESCU', 'GETSCU', 'ECHOSCU'];
const configFile = join(peerDir, 'pacs-cluster.yaml');
mkdirSync(peerDir, { recursive: true });
// Where tools that work on the peer's index (bench/find-scale.sh bulk-loads it) find its schema.
writeFileSync(join(peerDir, 'schema'), `${schema}\n`);
writeFileSync(
  configFile,
  [
    'mode: cluster',
    `shutdownTimeoutMs: 10000`,
    `log: { level: ${logLevel} }`,
    `dicom: { aeTitle: "${aeTitle}", port: ${dicomPort}, maxPduLength: ${maxPdu} }`,
    `database: { url: "${pgUrl}", schema: ${schema}, poolSize: 4 }`,
    `bus: { servers: "${natsUrl}", streamPrefix: ${streamPrefix} }`,
    `storage: { driver: s3, s3: { endPoint: 127.0.0.1, port: ${s3Port}, useSSL: false, accessKey: S3RVER, secretKey: S3RVER, bucket: ${bucket}, createBucket: true } }`,
    'telemetry: { prometheus: { port: 0, host: 127.0.0.1 } }',
    'aeMap:',
    ...callingAes.map((ae) => `  - { aeTitle: "${ae}", host: 127.0.0.1, port: 104 }`),
    `  - { aeTitle: "${env['MOVE_DEST_AET'] ?? 'BENCHMOVE'}", host: ${env['MOVE_DEST_HOST'] ?? '127.0.0.1'}, port: ${env['MOVE_DEST_PORT'] ?? 11190} }`,
    '',
  ].join('\n'),
);

const children: { name: string; child: ChildProcess }[] = [];
let stopping = false;

function start(name: string, args: string[], extraEnv: Record<string, string> = {}): ChildProcess {
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { PATH: env['PATH'] ?? '', HOME: env['HOME'] ?? '/root', PACS_CONFIG: configFile, PACS_DATA_DIR: join(peerDir, 'data'), ...extraEnv },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  children.push({ name, child });
  child.once('exit', (code, signal) => {
    if (!stopping) {
      console.error(`pacs-cluster: ${name} exited (${code ?? signal}) while running; stopping the cluster`);
      void shutdown(1);
    }
  });
  return child;
}

// The heap flags every PACS process starts with (set by bench/peer.sh), then any extra flags.
const nodeOptions = [...(env['BENCH_HEAP_FLAGS'] ?? '').split(' '), ...(env['BENCH_NODE_OPTIONS'] ?? '').split(' ')].filter(Boolean);
const app = (name: string): string[] => [...nodeOptions, join(env['BENCH_DIST'] ?? join(ROOT, 'dist'), 'apps', name, 'main.js')];
const exited = (child: ChildProcess): Promise<void> =>
  child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((r) => child.once('exit', () => r()));

async function stopChild(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited(child);
  clearTimeout(timer);
}

async function dropState(): Promise<void> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: pgUrl });
  try {
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } catch (err) {
    console.error(`pacs-cluster: dropping schema ${schema} failed: ${(err as Error).message}`);
  } finally {
    await client.end().catch(() => undefined);
  }
  const { NatsBus } = await import('@pacs/messaging');
  try {
    const bus = await NatsBus.connect({ servers: natsUrl });
    await bus.deleteStream(`${streamPrefix}_INGEST`).catch(() => false);
    await bus.close();
  } catch (err) {
    console.error(`pacs-cluster: deleting stream ${streamPrefix}_INGEST failed: ${(err as Error).message}`);
  }
}

async function shutdown(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  // The front door first (it drains), then the services behind it, the S3 server last.
  const order = ['scp-listener', 'qr-service', 'indexer', 'admin-api', 'migrate', 's3rver'];
  for (const name of order) {
    await Promise.all(children.filter((c) => c.name === name).map((c) => stopChild(c.child, 12_000)));
  }
  await dropState();
  process.exit(code);
}
process.once('SIGTERM', () => void shutdown(0));
process.once('SIGINT', () => void shutdown(130));

async function waitForPort(port: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const open = await new Promise<boolean>((r) => {
      const socket = connect({ host: '127.0.0.1', port }, () => { socket.destroy(); r(true); });
      socket.once('error', () => r(false));
    });
    if (open) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

start('s3rver', ['--import', 'tsx', join(ROOT, 'bench/s3-server.ts'), String(s3Port), join(peerDir, 's3')]);
// Migrations once, before the services race for them (as the Helm pre-install Job does).
const migrate = start('migrate', app('migrate'));
migrate.removeAllListeners('exit');
const migrated = await new Promise<number | null>((r) => migrate.once('exit', (code) => r(code)));
if (migrated !== 0) {
  console.error(`pacs-cluster: migrate exited ${migrated}`);
  await shutdown(1);
}
if (!(await waitForPort(s3Port, 30_000))) {
  console.error(`pacs-cluster: s3rver did not listen on ${s3Port}`);
  await shutdown(1);
}
// The bucket is made here, before the services start: with storage.s3.createBucket they race
// to create it, and s3rver answers the loser BucketAlreadyExists, which the S3 adapter only
// forgives as BucketAlreadyOwnedByYou (libs/storage/src/s3/s3-object-store.ts).
try {
  const { Client } = await import('minio');
  await new Client({ endPoint: '127.0.0.1', port: s3Port, useSSL: false, accessKey: 'S3RVER', secretKey: 'S3RVER', pathStyle: true }).makeBucket(bucket, 'us-east-1');
} catch (err) {
  console.error(`pacs-cluster: creating bucket ${bucket} failed: ${(err as Error).message}`);
  await shutdown(1);
}
start('admin-api', app('admin-api'), { PACS_HTTP__PORT: String(httpPort), PACS_HTTP__HOST: '127.0.0.1', PACS_HTTP__AUTH__ENABLED: 'false' });
for (let i = 0; i < indexers; i++) start('indexer', app('indexer'), { PACS_HTTP__PORT: '0', PACS_HTTP__HOST: '127.0.0.1' });
start('qr-service', app('qr-service'), { PACS_HTTP__PORT: '0', PACS_HTTP__HOST: '127.0.0.1' });
start('scp-listener', app('scp-listener'), { PACS_HTTP__PORT: '0', PACS_HTTP__HOST: '127.0.0.1' });
console.log(JSON.stringify({ msg: 'pacs-cluster started', schema, streamPrefix, bucket, dicomPort, httpPort, s3Port }));
