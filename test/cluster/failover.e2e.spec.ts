// Failover behind the load balancer, as a hospital sees it: four modalities (DCMTK storescu)
// send through HAProxy to three listener processes while one listener is killed with -9 and
// another is drained with SIGTERM. A modality retries what it did not see acknowledged; in the
// end every instance it saw acknowledged is indexed once and stored once (0 lost), and the
// drained listener finished the associations it had. Measured and printed (not asserted): the
// time from kill -9 to the next association accepted through HAProxy, and ingest throughput
// with 3 listeners vs 1.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { NatsBus } from '@pacs/messaging';
import { isAcknowledged, makeDataset, storescuInParallel, type GeneratedInstance } from '@pacs/testing';
import { run } from '../interop/support/processes';
import { listenerWarnings, NATS_URL, openAssociations, startCluster, type Cluster, type ClusterListener } from './support/cluster';
import { acknowledged, storescuWithRetries, type RetriedFile } from './support/storescu-retry';
import { indexedInstances, storedObjects, waitForIndexerIdle, waitUntil } from './support/verify';

// 320×320 16-bit pixels: about 205 KB per instance.
const SIZE = 320;
const FAILOVER_SHAPE = { patients: 4, studiesPerPatient: 1, seriesPerStudy: 2, instancesPerSeries: 50, size: SIZE };
const THROUGHPUT_SHAPE = { patients: 1, studiesPerPatient: 1, seriesPerStudy: 2, instancesPerSeries: 60, size: SIZE };
const SENDERS = 4;

/** User + system CPU seconds of live processes (Linux /proc/<pid>/stat, clock ticks of 1/100 s). */
function cpuSeconds(pids: readonly number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // The process has ended.
    }
  }
  return ticks / 100;
}

const split = <T>(items: readonly T[], parts: number): T[][] => {
  const per = Math.ceil(items.length / parts);
  return Array.from({ length: parts }, (_, k) => items.slice(k * per, (k + 1) * per));
};

async function echoThroughHaproxy(port: number): Promise<boolean> {
  const r = await run('echoscu', ['-aet', 'MODALITY', '-aec', 'PACS', '-to', '5', '-ta', '5', '127.0.0.1', String(port)], { timeoutMs: 15_000 });
  return r.code === 0;
}

describe('cluster failover behind HAProxy: 3 listeners, 2 indexers', () => {
  const work = mkdtempSync(join(tmpdir(), 'pacs-cluster-failover-'));
  let cluster: Cluster;
  let bus: NatsBus;

  before(async () => {
    // A long drain bound, so the SIGTERM'd listener can finish what it has (the default is 30 s).
    cluster = await startCluster({ listeners: 3, indexers: 2, qrServices: 0, env: { PACS_SHUTDOWN_TIMEOUT_MS: '120000' } });
    bus = await NatsBus.connect({ servers: NATS_URL });
  });
  after(async () => {
    await bus?.close();
    await cluster?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  test('ingest throughput through HAProxy with 3 listeners vs 1 (printed, not asserted)', async (t) => {
    // CPU seconds per component during a round, to show where the time goes on this machine.
    const components = (): Record<string, number[]> => ({
      listeners: cluster.listeners.map((l) => l.process.child.pid!),
      indexers: cluster.indexers.map((p) => p.child.pid!),
      haproxy: [cluster.haproxy.child.pid!],
    });
    const measure = async (instances: GeneratedInstance[]): Promise<{ seconds: number; mb: number; cpu: string }> => {
      const bytes = instances.reduce((sum, i) => sum + statSync(i.path).size, 0);
      const cpuBefore = Object.fromEntries(Object.entries(components()).map(([k, pids]) => [k, cpuSeconds(pids)]));
      const selfBefore = process.cpuUsage();
      const startedAt = process.hrtime.bigint();
      const results = await storescuInParallel({ port: cluster.port, files: instances.map((i) => i.path), associations: SENDERS });
      const seconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
      const missing = [...results.values()].filter((r) => !isAcknowledged(r));
      assert.deepEqual(missing, [], `every instance acknowledged; listener warnings: ${listenerWarnings(cluster)}`);
      const self = process.cpuUsage(selfBefore);
      const used = Object.entries(components()).map(([k, pids]) => `${k} ${(cpuSeconds(pids) - (cpuBefore[k] ?? 0)).toFixed(1)}`);
      used.push(`s3rver+test ${((self.user + self.system) / 1e6).toFixed(1)}`);
      return { seconds, mb: bytes / 1e6, cpu: `CPU s: ${used.join(', ')}` };
    };
    // A first, unmeasured round warms up the processes (JIT, connections to S3 and NATS).
    await measure(makeDataset(join(work, 'warm-up'), { ...THROUGHPUT_SHAPE, instancesPerSeries: 10 }));
    const three = await measure(makeDataset(join(work, 'three'), THROUGHPUT_SHAPE));
    const others = cluster.listeners.slice(1).map((l) => l.name);
    for (const name of others) await cluster.haproxy.command(`set server dicom-listeners/${name} state maint`);
    await cluster.haproxy.waitFor(others, 'MAINT', 'two listeners in maintenance');
    const one = await measure(makeDataset(join(work, 'one'), THROUGHPUT_SHAPE));
    for (const name of others) await cluster.haproxy.command(`set server dicom-listeners/${name} state ready`);
    await cluster.haproxy.waitFor(others, 'UP', 'listeners back');
    const line = (label: string, m: { seconds: number; mb: number; cpu: string }, n: number): string =>
      `${label}: ${n} instances, ${m.mb.toFixed(1)} MB in ${m.seconds.toFixed(2)} s = ${(n / m.seconds).toFixed(1)} instances/s, ${(m.mb / m.seconds).toFixed(1)} MB/s (${m.cpu}; ${availableParallelism()} cores)`;
    const n = THROUGHPUT_SHAPE.instancesPerSeries * THROUGHPUT_SHAPE.seriesPerStudy;
    t.diagnostic(`ingest throughput, ${SENDERS} storescu through HAProxy, ${SIZE}x${SIZE} CT instances`);
    t.diagnostic(line('3 listeners', three, n));
    t.diagnostic(line('1 listener ', one, n));
    t.diagnostic(`ratio 3 vs 1: ${(one.seconds / three.seconds).toFixed(2)}x`);
  });

  test('kill -9 one listener and SIGTERM another while 4 storescu send 400 instances: 0 acknowledged instances lost', async (t) => {
    const instances = makeDataset(join(work, 'failover'), FAILOVER_SHAPE);
    const byPath = new Map(instances.map((i) => [i.path, i]));
    let acks = 0;
    const senders = split(instances.map((i) => i.path), SENDERS).map((files) =>
      storescuWithRetries({ port: cluster.port, files, onAcknowledged: () => acks++ }));
    const sending = Promise.all(senders).then((r) => new Map<string, RetriedFile>(r.flatMap((m) => [...m])));

    // kill -9 the busiest listener once 15% is acknowledged.
    await waitUntil('15% acknowledged', async () => (acks >= instances.length * 0.15 ? true : undefined), 300_000, 50);
    const busiest = (candidates: ClusterListener[]): ClusterListener =>
      [...candidates].sort((a, b) => openAssociations(b.process) - openAssociations(a.process))[0]!;
    const killed = busiest(cluster.listeners);
    const openAtKill = openAssociations(killed.process);
    const killedAt = Date.now();
    killed.process.child.kill('SIGKILL');
    // A new modality arriving right after the kill: how long until HAProxy gets it an association?
    let echoAttempts = 0;
    let echoOkAt = 0;
    while (echoOkAt === 0 && echoAttempts < 50) {
      echoAttempts++;
      if (await echoThroughHaproxy(cluster.port)) echoOkAt = Date.now();
    }
    assert.ok(echoOkAt > 0, `an association through HAProxy succeeds after the kill; listener warnings: ${listenerWarnings(cluster)}`);
    await cluster.haproxy.waitFor([killed.name], 'DOWN', 'the killed listener marked down');
    const markedDownAt = Date.now();
    const survivors = cluster.listeners.filter((l) => l !== killed);
    const firstAcceptedAfterKill = Math.min(...survivors.flatMap((l) => l.process.logs
      .map((line) => ({ msg: line['msg'], at: Date.parse(String(line['time'])) }))
      .filter((line) => line.msg === 'association accepted' && line.at >= killedAt)
      .map((line) => line.at)));

    // SIGTERM a listener that has running associations once 40% is acknowledged.
    await waitUntil('40% acknowledged', async () => (acks >= instances.length * 0.4 ? true : undefined), 300_000, 50);
    const drained = await waitUntil('a surviving listener with a running association', async () => {
      const l = busiest(survivors);
      return openAssociations(l.process) > 0 ? l : undefined;
    }, 60_000, 20);
    const running = new Set(drained.process.logs.filter((l) => l['msg'] === 'association accepted').map((l) => l['assocId']));
    for (const l of drained.process.logs) if (l['msg'] === 'association released' || l['msg'] === 'association aborted') running.delete(l['assocId']);
    const logsBeforeTerm = drained.process.logs.length;
    drained.process.child.kill('SIGTERM');
    // Readiness fails at once: HAProxy stops sending new associations there.
    const readyz = await fetch(`http://127.0.0.1:${drained.probePort}/readyz`).then((r) => r.status, () => 0);
    assert.equal(readyz, 503, '/readyz fails while draining');

    const outcome = await sending;
    const exitCode = await drained.process.exited;
    assert.equal(exitCode, 0, `the drained listener exits 0; last logs ${JSON.stringify(drained.process.logs.slice(-5))}`);
    const afterTerm = drained.process.logs.slice(logsBeforeTerm);
    assert.ok(afterTerm.some((l) => l['msg'] === 'shutdown requested, draining'), 'the drain is logged');
    const finished = afterTerm.filter((l) => l['msg'] === 'association released' && running.has(l['assocId'])).map((l) => l['assocId']);
    const cut = afterTerm.filter((l) => l['msg'] === 'association aborted' && running.has(l['assocId']));
    assert.deepEqual(cut, [], 'no running association was aborted by the drain');
    assert.equal(finished.length, running.size, `every association running at SIGTERM was released (${finished.length} of ${running.size})`);
    assert.equal(afterTerm.filter((l) => l['msg'] === 'association accepted').length, 0, 'no association accepted after SIGTERM');

    // Every instance storescu saw acknowledged: indexed once, one location, stored once.
    const acked = [...outcome.values()].filter(acknowledged);
    const notAcked = [...outcome.values()].filter((f) => !acknowledged(f));
    assert.deepEqual(notAcked.map((f) => [f.file, f.attempts.map((a) => a.outcome)]), [], 'the retry loop got every instance acknowledged');
    await waitForIndexerIdle(bus, cluster.streamPrefix);
    const ackedUids = acked.map((f) => byPath.get(f.file)!.sopInstanceUid);
    const db = await cluster.database();
    let index;
    try {
      index = await waitUntil('every acknowledged instance indexed', async () => {
        const m = await indexedInstances(db, ackedUids);
        return m.size === ackedUids.length ? m : undefined;
      }, 60_000);
    } finally {
      await db.destroy();
    }
    const before = await storedObjects(cluster.store());
    const orphans = ackedUids.filter((uid) => (before.get(uid)?.length ?? 0) > 1);
    // An upload whose answer the kill cut off may be stored but never announced: the
    // reconciler (archiver) announces it, and the indexer drops the identical second copy.
    const archiver = cluster.startProcess('archiver', { PACS_RECONCILER__GRACE_MS: '0', PACS_RECONCILER__INTERVAL_MS: '1000' });
    const sweep = await archiver.waitForLog((l) => l['msg'] === 'reconciler sweep finished' && l['aborted'] === false, 'a reconciler sweep');
    await waitForIndexerIdle(bus, cluster.streamPrefix);
    await archiver.stop();
    // A PUT the kill cut off: s3rver (unlike S3 and MinIO) lists its first bytes as an object.
    // The sweep must find each such object incomplete and leave it unannounced; only whole
    // objects count as stored copies below.
    const incomplete = new Set(archiver.logs.filter((l) => l['msg'] === 'unindexed object is incomplete; not announced, left in storage').map((l) => String(l['key'])));
    assert.equal(incomplete.size, sweep['incomplete'], 'every incomplete object the sweep counted is named in its log');
    const objects = new Map([...(await storedObjects(cluster.store()))].map(([uid, keys]) => [uid, keys.filter((k) => !incomplete.has(k))]));
    const lost = ackedUids.filter((uid) => index.get(uid)?.rows !== 1 || index.get(uid)?.keys.length !== 1 || !objects.get(uid)?.includes(index.get(uid)!.keys[0]!));
    const storedTwice = ackedUids.filter((uid) => (objects.get(uid)?.length ?? 0) !== 1);
    const retried = acked.filter((f) => f.attempts.length > 1);
    t.diagnostic(`failover: ${instances.length} instances, ${acked.length} acknowledged, ${retried.length} needed a retry, lost ${lost.length}, not stored exactly once ${storedTwice.length}`);
    t.diagnostic(`unannounced copies left by the kill: ${orphans.length}; reconciler sweep announced ${String(sweep['announced'])}, found ${incomplete.size} cut off midway`);
    t.diagnostic(`kill -9 of ${killed.name} (${openAtKill} associations open): next association through HAProxy after ${echoOkAt - killedAt} ms (echoscu, ${echoAttempts} attempt(s)); first association accepted by a survivor ${firstAcceptedAfterKill - killedAt} ms after the kill; HAProxy marked it DOWN within ${markedDownAt - killedAt} ms`);
    t.diagnostic(`SIGTERM of ${drained.name}: ${running.size} running association(s) finished, exit ${exitCode}`);
    assert.equal(lost.length, 0, `lost: ${lost.join(', ')}`);
    assert.deepEqual(storedTwice, [], 'every acknowledged instance stored exactly once');
  });
});
