// `scripts/cluster-up.sh` runs this: the cluster simulation in the foreground until SIGINT or
// SIGTERM (`scripts/cluster-down.sh` sends it), printing where to connect.
import { writeFileSync } from 'node:fs';
import { startCluster } from './cluster';

const count = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);

const cluster = await startCluster({
  listeners: count('CLUSTER_LISTENERS', 3),
  indexers: count('CLUSTER_INDEXERS', 2),
  qrServices: count('CLUSTER_QR_SERVICES', 2),
});
const state = {
  pid: process.pid,
  dicom: `127.0.0.1:${cluster.port}`,
  listeners: cluster.listeners.map((l) => ({ name: l.name, pid: l.process.child.pid, dicomPort: l.dicomPort, probePort: l.probePort })),
  indexers: cluster.indexers.map((p) => p.child.pid),
  qrServices: cluster.qrServices.map((p) => p.child.pid),
  schema: cluster.schema,
  streamPrefix: cluster.streamPrefix,
  s3: `127.0.0.1:${cluster.s3.port} bucket ${cluster.bucket}`,
  config: cluster.configFile,
};
if (process.env['CLUSTER_STATE_FILE']) writeFileSync(process.env['CLUSTER_STATE_FILE'], `${JSON.stringify(state, null, 2)}\n`);
console.log(JSON.stringify(state, null, 2));
console.log(`cluster up: storescu -aet MODALITY -aec PACS 127.0.0.1 ${cluster.port} <files>; stop with Ctrl-C or scripts/cluster-down.sh`);

let stopping = false;
const stop = (): void => {
  if (stopping) return;
  stopping = true;
  cluster.stop().then(() => process.exit(0), (err: unknown) => {
    console.error(err);
    process.exit(1);
  });
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
