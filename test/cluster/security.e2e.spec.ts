// Security defaults of cluster mode, through HAProxy as in the deployment: unknown calling AEs
// refused (A-ASSOCIATE-RJ, PS3.8 §7.1.1.9 "calling-AE-title-not-recognized"), per-AE
// permissions from the AE map, and DICOM TLS (PS3.15 Annex B.1) on the TLS port with client
// certificates, checked with DCMTK's echoscu/storescu/findscu and a throw-away openssl PKI.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { isAcknowledged, makeDataset, runStorescu, type GeneratedInstance } from '@pacs/testing';
import { run } from '../interop/support/processes';
import { startCluster, type Cluster } from './support/cluster';
import { makeTestPki, type TestPki } from './support/tls-certs';

const echoscu = (port: number, args: string[] = [], callingAe = 'MODALITY') =>
  run('echoscu', ['-v', '-to', '10', '-ta', '10', '-aet', callingAe, '-aec', 'PACS', ...args, '127.0.0.1', String(port)], { timeoutMs: 30_000 });

describe('cluster security defaults: AE map, permissions, DICOM TLS', () => {
  const work = mkdtempSync(join(tmpdir(), 'pacs-cluster-security-'));
  let pki: TestPki;
  let cluster: Cluster;
  let instances: GeneratedInstance[];

  before(async () => {
    pki = makeTestPki(work);
    instances = makeDataset(join(work, 'dataset'), { patients: 1, studiesPerPatient: 1, seriesPerStudy: 1, instancesPerSeries: 2, size: 16 });
    cluster = await startCluster({
      listeners: 1,
      indexers: 0,
      qrServices: 0,
      aeMap: ['{ aeTitle: MODALITY }', '{ aeTitle: STOREONLY, query: false, retrieve: false }', '{ aeTitle: READONLY, store: false }'],
      tls: { certFile: pki.serverCert, keyFile: pki.serverKey, caFile: pki.caFile, requireClientCert: true },
    });
  });
  after(async () => {
    await cluster?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  test('an unknown calling AE is refused with A-ASSOCIATE-RJ (calling AE title not recognized); a known one is accepted', async () => {
    const stranger = await echoscu(cluster.port, [], 'STRANGER');
    assert.notEqual(stranger.code, 0, stranger.output);
    assert.match(stranger.output, /Association Rejected/i, stranger.output);
    assert.match(stranger.output, /Calling AE Title Not Recognized/i, stranger.output);
    const known = await echoscu(cluster.port);
    assert.equal(known.code, 0, known.output);
    const listener = cluster.listeners[0]!.process;
    assert.ok(listener.logs.some((l) => l['msg'] === 'association rejected'), 'the rejection is logged');
  });

  test('per-AE permissions: STOREONLY may store but its C-FIND is refused; READONLY may not store', async () => {
    const stored = runStorescu({ port: cluster.port, files: [instances[0]!.path], callingAe: 'STOREONLY' });
    await stored.done;
    assert.ok(isAcknowledged(stored.results.get(instances[0]!.path)), JSON.stringify([...stored.results.values()]));

    const find = await run('findscu', ['-v', '-S', '-aet', 'STOREONLY', '-aec', 'PACS', '-k', 'QueryRetrieveLevel=STUDY', '-k', 'StudyInstanceUID', '127.0.0.1', String(cluster.port)], { timeoutMs: 30_000 });
    // 0x0124 Refused: Not Authorized (PS3.7 C.4.1.1.4; DCMTK has no name for it in C-FIND).
    assert.match(find.output, /Received Final Find Response \((Unknown Status: 0x124|Refused: NotAuthorized)\)/, find.output);
    assert.doesNotMatch(find.output, /Find Response: \d+ \(Pending\)/, 'no match is sent');

    const refused = runStorescu({ port: cluster.port, files: [instances[1]!.path], callingAe: 'READONLY' });
    await refused.done;
    const result = refused.results.get(instances[1]!.path);
    assert.equal(result?.outcome, 'failure', JSON.stringify(result));
    assert.match(result?.detail ?? '', /0x0?124|NotAuthorized/i, 'status 0x0124 Refused: Not Authorized');
  });

  test('DICOM TLS through the TLS frontend: echoscu +tls with a client certificate works', async () => {
    const r = await echoscu(cluster.tlsPort!, ['+tls', pki.clientKey, pki.clientCert, '+cf', pki.caFile]);
    assert.equal(r.code, 0, r.output);
    assert.match(r.output, /Association Accepted/, r.output);
  });

  test('a plain TCP association to the TLS port is rejected cleanly: the peer fails, the listener logs it and keeps serving', async () => {
    const listener = cluster.listeners[0]!;
    const plain = await echoscu(cluster.tlsPort!);
    assert.notEqual(plain.code, 0, plain.output);
    assert.doesNotMatch(plain.output, /Association Accepted/);
    // Straight to the listener's TLS port too (HAProxy only relays bytes).
    const direct = await echoscu(listener.tlsPort!);
    assert.notEqual(direct.code, 0, direct.output);
    await waitForLog(listener.process.logs, (l) => l['msg'] === 'DICOM server error');
    assert.equal(listener.process.child.exitCode, null, 'the listener is still running');
    const again = await echoscu(cluster.tlsPort!, ['+tls', pki.clientKey, pki.clientCert, '+cf', pki.caFile]);
    assert.equal(again.code, 0, `TLS still works afterwards: ${again.output}`);
    const plainPort = await echoscu(cluster.port);
    assert.equal(plainPort.code, 0, plainPort.output);
  });

  test('requireClientCert: no client certificate, or one from an untrusted CA, is refused', async () => {
    const anonymous = await echoscu(cluster.tlsPort!, ['+tla', '+cf', pki.caFile]);
    assert.notEqual(anonymous.code, 0, anonymous.output);
    assert.doesNotMatch(anonymous.output, /Association Accepted/);
    const stranger = await echoscu(cluster.tlsPort!, ['+tls', pki.strangerKey, pki.strangerCert, '+cf', pki.caFile]);
    assert.notEqual(stranger.code, 0, stranger.output);
    assert.doesNotMatch(stranger.output, /Association Accepted/);
  });

  test('without requireClientCert a TLS client without a certificate is accepted', async () => {
    const open = cluster.startProcess('scp-listener', { PACS_DICOM__TLS__REQUIRE_CLIENT_CERT: 'false' });
    const tls = await open.waitForLog((l) => l['msg'] === 'DICOM listening' && l['tls'] === true, 'DICOM TLS listening');
    await open.waitForLog((l) => l['msg'] === 'service started', 'service started');
    const r = await echoscu(Number(tls['port']), ['+tla', '+cf', pki.caFile]);
    assert.equal(r.code, 0, r.output);
    await open.stop();
  });
});

async function waitForLog(logs: Record<string, unknown>[], match: (l: Record<string, unknown>) => boolean): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (logs.some(match)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`no such log line; last: ${JSON.stringify(logs.slice(-5))}`);
}
