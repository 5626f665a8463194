// Drain on SIGTERM (what Kubernetes does before it removes a pod): the listener fails /readyz
// at once, accepts no new association (HAProxy sends new ones to the other listener), lets
// the running ones finish, bounded by shutdownTimeoutMs, and exits 0; an indexer finishes the
// messages it is handling and hands the rest back, so another indexer takes them at once.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { connect, echo, openPart10File, proposeQuery, proposeStorage, Status, store, VERIFICATION_SOP_CLASS_UID, type Association } from '@pacs/dicom';
import { NatsBus } from '@pacs/messaging';
import { isAcknowledged, makeDataset, storescuInParallel, type GeneratedInstance } from '@pacs/testing';
import { run } from '../interop/support/processes';
import { NATS_URL, startCluster, type Cluster } from './support/cluster';
import { indexedInstances, waitForIndexerIdle, waitUntil } from './support/verify';

const CT_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.2';
const EXPLICIT_LE = '1.2.840.10008.1.2.1';

function refusesConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tcpConnect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

async function openAssociation(port: number, callingAeTitle = 'MODALITY'): Promise<Association> {
  return connect({
    host: '127.0.0.1',
    port,
    callingAeTitle,
    calledAeTitle: 'PACS',
    presentationContexts: [...proposeQuery([VERIFICATION_SOP_CLASS_UID]), ...proposeStorage([{ sopClassUid: CT_IMAGE_STORAGE, transferSyntaxUid: EXPLICIT_LE }])],
  });
}

async function storeFile(association: Association, instance: GeneratedInstance): Promise<number> {
  const file = await openPart10File(instance.path);
  const rsp = await store(association, { sopClassUid: CT_IMAGE_STORAGE, sopInstanceUid: instance.sopInstanceUid, transferSyntaxUid: EXPLICIT_LE, dataSet: file.openDataSet() });
  return rsp.status;
}

describe('drain on SIGTERM', () => {
  const work = mkdtempSync(join(tmpdir(), 'pacs-cluster-drain-'));
  let cluster: Cluster;
  let bus: NatsBus;
  const instances = makeDataset(join(work, 'dataset'), { patients: 2, studiesPerPatient: 1, seriesPerStudy: 2, instancesPerSeries: 60, size: 64 });

  before(async () => {
    cluster = await startCluster({ listeners: 2, indexers: 2, qrServices: 0, env: { PACS_SHUTDOWN_TIMEOUT_MS: '60000', PACS_LOG__LEVEL: 'debug' }, checkIntervalMs: 300 });
    bus = await NatsBus.connect({ servers: NATS_URL });
  });
  after(async () => {
    await bus?.close();
    await cluster?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  test('listener: /readyz fails at once, no new associations (HAProxy uses the other), the running one finishes, exit 0', async (t) => {
    const held = await openAssociation(cluster.port, 'MODALITY');
    const owner = await waitUntil('the listener holding the association', async () =>
      cluster.listeners.find((l) => l.process.logs.some((line) => line['msg'] === 'association accepted' && line['callingAe'] === 'MODALITY')));
    const other = cluster.listeners.find((l) => l !== owner)!;
    const logsAtTerm = owner.process.logs.length;
    const otherLogsAtTerm = other.process.logs.length;
    owner.process.child.kill('SIGTERM');
    await owner.process.waitForLog((l) => l['msg'] === 'DICOM draining: no new associations, waiting for the running ones', 'drain start');

    const readyz = await fetch(`http://127.0.0.1:${owner.probePort}/readyz`);
    assert.equal(readyz.status, 503, '/readyz fails while draining');
    assert.equal(((await readyz.json()) as { draining: boolean }).draining, true);
    assert.equal(await refusesConnections(owner.dicomPort), true, 'the draining listener accepts no new connection');
    await cluster.haproxy.waitFor([owner.name], 'DOWN', 'the draining listener marked down');
    const viaHaproxy = await run('echoscu', ['-aet', 'LATECOMER', '-aec', 'PACS', '127.0.0.1', String(cluster.port)], { timeoutMs: 30_000 });
    // LATECOMER is not in the AE map: the rejection shows which listener took the association.
    assert.match(viaHaproxy.output, /Association Rejected/, viaHaproxy.output);
    // Its log line may reach us a moment after echoscu has its answer: wait for it, then it must be there.
    await waitUntil('the other listener to log the rejection', async () =>
      other.process.logs.slice(otherLogsAtTerm).some((l) => l['msg'] === 'association rejected') || undefined, 10_000).catch(() => undefined);
    assert.ok(other.process.logs.slice(otherLogsAtTerm).some((l) => l['msg'] === 'association rejected'), 'the other listener took the new association');

    // The association that was running when SIGTERM came still works, then ends normally.
    assert.equal((await echo(held)).status, Status.Success, 'C-ECHO on the running association');
    assert.equal(await storeFile(held, instances[0]!), Status.Success, 'C-STORE on the running association');
    await held.release();
    assert.equal(await owner.process.exited, 0, 'exit 0');
    const afterTerm = owner.process.logs.slice(logsAtTerm).map((l) => l['msg']);
    assert.ok(afterTerm.includes('association released') && afterTerm.includes('DICOM drained') && afterTerm.includes('shutdown complete'), JSON.stringify(afterTerm));
    assert.ok(!afterTerm.includes('association accepted'), 'nothing accepted after SIGTERM');
    const db = await cluster.database();
    try {
      await waitUntil('the instance stored during the drain indexed', async () => ((await indexedInstances(db, [instances[0]!.sopInstanceUid])).size === 1 ? true : undefined));
    } finally {
      await db.destroy();
    }
    t.diagnostic(`drain: ${owner.name} finished its running association and exited 0; new associations went to ${other.name}`);
  });

  test('listener: an association that does not end is aborted at the bound and the process still exits', async () => {
    const listener = cluster.startProcess('scp-listener', { PACS_SHUTDOWN_TIMEOUT_MS: '3000' });
    const port = await listener.listeningPort('DICOM');
    await listener.waitForLog((l) => l['msg'] === 'service started', 'service started');
    const stuck = await openAssociation(port);
    const aborted = new Promise<void>((resolve) => stuck.once('close', () => resolve()));
    listener.child.kill('SIGTERM');
    await aborted;
    const code = await listener.exited;
    assert.equal(code, 0, `exit 0 once the bound is reached; logs ${JSON.stringify(listener.logs.slice(-4))}`);
    assert.ok(listener.logs.some((l) => l['msg'] === 'association aborted' || l['msg'] === 'DICOM drained'), 'the abort is logged');
  });

  test('indexer: SIGTERM while indexing: the messages in hand are finished, the rest go to the other indexer, nothing lost', async (t) => {
    const rest = instances.slice(1);
    const [leaving, staying] = cluster.indexers;
    const indexedBy = (p: typeof leaving): number => p!.logs.filter((l) => l['msg'] === 'indexed').length;
    const sending = storescuInParallel({ port: cluster.port, files: rest.map((i) => i.path), associations: 2 });
    const before = indexedBy(leaving);
    await waitUntil('the indexer busy', async () => (indexedBy(leaving) >= before + 5 ? true : undefined), 120_000, 10);
    const logsAtTerm = leaving!.logs.length;
    leaving!.child.kill('SIGTERM');
    const code = await leaving!.exited;
    const results = await sending;
    assert.ok([...results.values()].every(isAcknowledged), 'every instance acknowledged');
    const afterTerm = leaving!.logs.slice(logsAtTerm);
    assert.equal(code, 0, `exit 0; ${JSON.stringify(afterTerm.slice(-4))}`);
    assert.ok(!afterTerm.some((l) => l['msg'] === 'consumer stopped before its handlers settled; their messages will be redelivered'), 'no handler abandoned');
    assert.ok(afterTerm.some((l) => l['msg'] === 'shutdown complete'));
    await waitForIndexerIdle(bus, cluster.streamPrefix);
    const db = await cluster.database();
    try {
      const indexed = await indexedInstances(db, rest.map((i) => i.sopInstanceUid));
      assert.equal(indexed.size, rest.length, 'every instance indexed');
      assert.ok([...indexed.values()].every((i) => i.rows === 1 && i.keys.length === 1), 'once each');
    } finally {
      await db.destroy();
    }
    const finishedAfterTerm = afterTerm.filter((l) => l['msg'] === 'indexed').length;
    t.diagnostic(`indexer drain: ${finishedAfterTerm} message(s) finished after SIGTERM, exit ${code}; the other indexed ${indexedBy(staying)} in all`);
  });
});
