// Query/Retrieve keeps answering through the load balancer while qr-service replicas die:
// DCMTK findscu and movescu (to a storescp destination declared in the AE map) run in a loop
// through HAProxy while the two qr-service replicas are killed with -9 in turn, each replaced
// by a new process before the other one goes. Every C-FIND must return every study and every
// C-MOVE must end in Success with all instances sent.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { makeDataset, storescuInParallel, isAcknowledged, type GeneratedInstance, type PacsProcess } from '@pacs/testing';
import { freePort, run, startDaemon, type Daemon } from '../interop/support/processes';
import { listenerWarnings, startCluster, type Cluster } from './support/cluster';
import { indexedInstances, waitUntil } from './support/verify';

const SHAPE = { patients: 3, studiesPerPatient: 1, seriesPerStudy: 1, instancesPerSeries: 4, size: 16 };
const KILL_ROUNDS = 4;

interface Operation {
  kind: 'C-FIND' | 'C-MOVE';
  ok: boolean;
  /** A qr-service replica was dead (killed, its replacement not yet serving) at some point of it. */
  duringOutage: boolean;
  output: string;
}

describe('Q/R through HAProxy while qr-service replicas are killed', () => {
  const work = mkdtempSync(join(tmpdir(), 'pacs-cluster-qr-'));
  let cluster: Cluster;
  let dest: Daemon;
  let destDir: string;
  let instances: GeneratedInstance[];

  before(async () => {
    const destPort = await freePort();
    destDir = mkdtempSync(join(work, 'dest-'));
    dest = await startDaemon('storescp', ['-aet', 'DEST', '+B', '-od', destDir, String(destPort)], destPort);
    cluster = await startCluster({
      listeners: 2,
      indexers: 1,
      qrServices: 2,
      aeMap: ['{ aeTitle: MODALITY }', '{ aeTitle: VIEWER }', `{ aeTitle: DEST, host: 127.0.0.1, port: ${destPort} }`],
      // A request caught by a killed replica is given up (and asked again) after this long. Long
      // enough that a slow answer on a loaded 2-core machine is not taken for a dead replica: with
      // 3 s, a C-FIND was once refused (0xA700) while the whole suite ran beside this test.
      env: { PACS_QR__TIMEOUT_MS: '10000' },
    });
    instances = makeDataset(join(work, 'dataset'), SHAPE);
    const sent = await storescuInParallel({ port: cluster.port, files: instances.map((i) => i.path), associations: 2 });
    assert.ok([...sent.values()].every(isAcknowledged), 'dataset stored');
    const db = await cluster.database();
    try {
      await waitUntil('dataset indexed', async () => ((await indexedInstances(db, instances.map((i) => i.sopInstanceUid))).size === instances.length ? true : undefined));
    } finally {
      await db.destroy();
    }
  });
  after(async () => {
    await dest?.stop();
    await cluster?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  test('findscu and movescu keep answering while each replica in turn is killed -9 and replaced', async (t) => {
    const studies = [...new Set(instances.map((i) => i.studyInstanceUid))];
    let outage = false;
    let chaosDone = false;
    const operations: Operation[] = [];

    const find = async (): Promise<Operation> => {
      const during = outage;
      const r = await run('findscu', ['-v', '-S', '-aet', 'VIEWER', '-aec', 'PACS', '-k', 'QueryRetrieveLevel=STUDY', '-k', 'PatientID=PID*', '-k', 'StudyInstanceUID',
        '127.0.0.1', String(cluster.port)], { timeoutMs: 60_000 });
      const matches = (r.output.match(/Find Response: \d+ \(Pending\)/g) ?? []).length;
      const ok = r.code === 0 && /Received Final Find Response \(Success\)/.test(r.output) && matches === studies.length;
      return { kind: 'C-FIND', ok, duringOutage: during || outage, output: r.output };
    };
    let moves = 0;
    const move = async (): Promise<Operation> => {
      const during = outage;
      const study = studies[moves++ % studies.length]!;
      const r = await run('movescu', ['-v', '-S', '-aet', 'VIEWER', '-aec', 'PACS', '-aem', 'DEST', '-k', 'QueryRetrieveLevel=STUDY', '-k', `StudyInstanceUID=${study}`,
        '127.0.0.1', String(cluster.port)], { timeoutMs: 60_000 });
      // Success (not 0xB000) means every sub-operation completed (PS3.4 C.4.2.1.5); the first
      // pending response, always sent, shows that there were sub-operations to perform.
      const pending = (r.output.match(/Received Move Response \d+ \(Pending\)/g) ?? []).length;
      const ok = r.code === 0 && /Received Final Move Response \(Success\)/.test(r.output) && pending >= 1;
      return { kind: 'C-MOVE', ok, duringOutage: during || outage, output: r.output };
    };
    // Two viewers: one querying, one retrieving, back to back until the chaos is over.
    const client = async (op: () => Promise<Operation>): Promise<void> => {
      while (!chaosDone) operations.push(await op());
    };
    const clients = [client(find), client(move)];

    const started = (p: PacsProcess): Promise<unknown> => p.waitForLog((l) => l['msg'] === 'service started', 'service started');
    const replicas = [...cluster.qrServices];
    for (let round = 0; round < KILL_ROUNDS; round++) {
      const slot = round % 2;
      const before = operations.length;
      // Some operations complete with both replicas up first.
      await waitUntil('operations before the kill', async () => (operations.length >= before + 2 ? true : undefined), 120_000, 20);
      outage = true;
      replicas[slot]!.child.kill('SIGKILL');
      await replicas[slot]!.exited;
      const atKill = operations.length;
      // A C-FIND and a C-MOVE both answered by the survivor (a long C-MOVE begun before the
      // kill may end after the replacement is up, so two operations of any kind are not enough).
      const answeredBySurvivor = (kind: Operation['kind']): boolean => operations.slice(atKill).some((o) => o.kind === kind && o.duringOutage);
      await waitUntil('a C-FIND and a C-MOVE answered by the surviving replica', async () => (answeredBySurvivor('C-FIND') && answeredBySurvivor('C-MOVE') ? true : undefined), 120_000, 20);
      replicas[slot] = cluster.startProcess('qr-service');
      await started(replicas[slot]!);
      outage = false;
    }
    chaosDone = true;
    await Promise.all(clients);

    const failed = operations.filter((o) => !o.ok);
    const finds = operations.filter((o) => o.kind === 'C-FIND');
    const retrieves = operations.filter((o) => o.kind === 'C-MOVE');
    const askedAgain = cluster.listeners.flatMap((l) => l.process.logs).filter((l) => l['msg'] === 'no answer from qr-service; asking again').length;
    t.diagnostic(`${KILL_ROUNDS} qr-service kills: ${finds.length} C-FIND, ${retrieves.length} C-MOVE (${operations.filter((o) => o.duringOutage).length} of them with a replica down), ${failed.length} failed; ${askedAgain} request(s) caught by a killed replica were asked again`);
    assert.deepEqual(failed.map((o) => `${o.kind}: ${o.output.split('\n').slice(-8).join('\n')}`), [], `every C-FIND and C-MOVE answered in full; listener warnings: ${listenerWarnings(cluster)}`);
    assert.ok(finds.some((o) => o.duringOutage) && retrieves.some((o) => o.duringOutage), 'operations ran while a replica was dead');
    assert.ok(readdirSync(destDir).length >= 1, 'the move destination received instances');
  });
});
