// Interop with DCMTK 3.6.x binaries (echoscu, storescu, storescp): our DicomServer as SCP,
// our connect() as SCU. C-ECHO/C-STORE command sets are hand-built (test-commands.ts).
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { AAssociateRj } from '../pdu';
import type { AcceptancePolicy } from '../ul';
import type { Association } from './association';
import { connect } from './connect';
import { AssociationRejectedError } from './net-errors';
import { DicomServer, type DicomServerOptions } from './server';
import { Readable } from 'node:stream';
import {
  cEchoRq,
  cEchoRsp,
  cStoreRq,
  cStoreRsp,
  commandField,
  explicitLeDataset,
  messageId,
  parseCommand,
  status,
  VERIFICATION,
} from './test-commands';

const IMPLICIT = '1.2.840.10008.1.2';
const EXPLICIT = '1.2.840.10008.1.2.1';
const SECONDARY_CAPTURE = '1.2.840.10008.5.1.4.1.1.7';
const AE = `PACS${Math.floor(Math.random() * 1e6)}`;

const policy: AcceptancePolicy = {
  calledAeTitles: [AE],
  abstractSyntaxes: [
    { abstractSyntax: VERIFICATION, transferSyntaxes: [IMPLICIT] },
    { abstractSyntax: SECONDARY_CAPTURE, transferSyntaxes: [EXPLICIT, IMPLICIT] },
  ],
  maxPduLength: 65536,
  implementationClassUid: '2.25.42410104413440154604679505848362350273',
};

let work: string;
before(() => {
  work = mkdtempSync(join(tmpdir(), 'pacs-dcmtk-'));
});
after(() => rmSync(work, { recursive: true, force: true }));

interface Run {
  code: number | null;
  output: string;
}

function run(cmd: string, args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { env: { ...process.env, TCP_NODELAY: '1' } });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('exit', (code) => resolve({ code, output }));
  });
}

/** Answers C-ECHO and C-STORE with hand-built responses; records what happened. */
function echoAndStoreScp(association: Association, log: string[], datasets: Buffer[]): void {
  association.on('accepted', () => log.push('accepted'));
  association.on('rejected', (rj) => log.push(`rejected ${rj.result}/${rj.source}/${rj.reason}`));
  association.on('released', () => log.push('released'));
  association.on('aborted', (info) => log.push(`aborted ${info.initiator} ${info.source}/${info.reason}`));
  let pendingStore: Map<number, Buffer> | undefined;
  association.on('command', ({ presentationContextId, command }) => {
    const cmd = parseCommand(command);
    if (commandField(cmd) === 0x0030) {
      log.push('C-ECHO-RQ');
      void association.sendCommand(presentationContextId, cEchoRsp(messageId(cmd)!));
    } else if (commandField(cmd) === 0x0001) {
      log.push('C-STORE-RQ');
      pendingStore = cmd;
    }
  });
  association.on('dataset', ({ presentationContextId, stream }) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(Buffer.from(c)));
    stream.on('end', () => {
      datasets.push(Buffer.concat(chunks));
      void association.sendCommand(presentationContextId, cStoreRsp(pendingStore!));
    });
  });
}

async function startServer(extra: Partial<DicomServerOptions> = {}): Promise<{ server: DicomServer; port: number; log: string[]; datasets: Buffer[] }> {
  const log: string[] = [];
  const datasets: Buffer[] = [];
  const server = new DicomServer({ host: '127.0.0.1', port: 0, policy, ...extra });
  server.on('association', (a) => echoAndStoreScp(a, log, datasets));
  const { port } = await server.listen();
  return { server, port, log, datasets };
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise((resolve) => s.close(resolve));
  return port;
}

describe('DCMTK echoscu → our DicomServer', () => {
  test('echoscu -aec <AE> succeeds (exit 0): C-ECHO answered, association released', async () => {
    const { server, port, log } = await startServer();
    try {
      const r = await run('echoscu', ['-aet', 'ECHOSCU', '-aec', AE, '127.0.0.1', String(port)]);
      assert.equal(r.code, 0, r.output);
      await waitFor(() => log.includes('released'));
      assert.deepEqual(log.slice(0, 3), ['accepted', 'C-ECHO-RQ', 'released']);
    } finally {
      await server.close(1000);
    }
  });

  test('echoscu with a wrong called AE fails: A-ASSOCIATE-RJ 1/1/7 (called-AE-title-not-recognized)', async () => {
    const { server, port, log } = await startServer();
    try {
      const r = await run('echoscu', ['-aet', 'ECHOSCU', '-aec', 'NOT-US', '127.0.0.1', String(port)]);
      assert.notEqual(r.code, 0);
      assert.match(r.output, /Called AE Title Not Recognized/i);
      assert.deepEqual(log, ['rejected 1/1/7']);
    } finally {
      await server.close(1000);
    }
  });

  test('over maxAssociations: A-ASSOCIATE-RJ 2/3/2 (local-limit-exceeded)', async () => {
    const { server, port, log } = await startServer({ maxAssociations: 1 });
    const held = await connect({
      host: '127.0.0.1',
      port,
      callingAeTitle: 'HOLDER',
      calledAeTitle: AE,
      presentationContexts: [{ abstractSyntax: VERIFICATION, transferSyntaxes: [IMPLICIT] }],
    });
    try {
      assert.equal(server.activeAssociations, 1);
      const r = await run('echoscu', ['-aet', 'ECHOSCU', '-aec', AE, '127.0.0.1', String(port)]);
      assert.notEqual(r.code, 0);
      assert.match(r.output, /Local Limit Exceeded/i);
      assert.ok(log.includes('rejected 2/3/2'), log.join());
    } finally {
      await held.release();
      await server.close(1000);
    }
  });
});

describe('DCMTK storescu → our DicomServer', () => {
  test('C-STORE: the data set arrives as a stream and storescu gets success', async () => {
    const dump = join(work, 'sc.dump');
    const file = join(work, 'sc.dcm');
    writeFileSync(
      dump,
      [
        '(0002,0001) OB 00\\01',
        `(0002,0002) UI =SecondaryCaptureImageStorage`,
        '(0002,0003) UI [2.25.1234567]',
        '(0002,0010) UI =LittleEndianExplicit',
        `(0008,0016) UI =SecondaryCaptureImageStorage`,
        '(0008,0018) UI [2.25.1234567]',
        '(0010,0010) PN [Interop^Store]',
        `(0010,0020) LO [${'X'.repeat(64)}]`,
        '(0020,000d) UI [2.25.1]',
        '(0020,000e) UI [2.25.2]',
      ].join('\n'),
    );
    assert.equal(spawnSync('dump2dcm', ['+te', dump, file]).status, 0);
    const { server, port, log, datasets } = await startServer();
    try {
      const r = await run('storescu', ['-R', '-xe', '-aet', 'STORESCU', '-aec', AE, '127.0.0.1', String(port), file]);
      assert.equal(r.code, 0, r.output);
      await waitFor(() => log.includes('released'));
      assert.deepEqual(log, ['accepted', 'C-STORE-RQ', 'released']);
      assert.equal(datasets.length, 1);
      assert.ok(datasets[0]!.includes(Buffer.from('Interop^Store')));
    } finally {
      await server.close(1000);
    }
  });
});

describe('DICOM over TLS (PS3.15 Annex B) with echoscu', () => {
  let key: string;
  let cert: string;
  before(() => {
    key = join(work, 'key.pem');
    cert = join(work, 'cert.pem');
    const r = spawnSync('openssl', [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost',
      '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost', '-keyout', key, '-out', cert,
    ]);
    assert.equal(r.status, 0, r.stderr?.toString());
  });

  async function tlsServer(): Promise<{ server: DicomServer; port: number; log: string[] }> {
    const { readFileSync } = await import('node:fs');
    const pem = readFileSync(cert);
    return startServer({ tls: { key: readFileSync(key), cert: pem, ca: pem, requireClientCertificate: true } });
  }

  test('echoscu +tls with a client certificate the server trusts: exit 0', async () => {
    const { server, port, log } = await tlsServer();
    try {
      const r = await run('echoscu', ['+tls', key, cert, '+cf', cert, '-aet', 'ECHOSCU', '-aec', AE, '127.0.0.1', String(port)]);
      assert.equal(r.code, 0, r.output);
      await waitFor(() => log.includes('released'));
      assert.deepEqual(log.slice(0, 3), ['accepted', 'C-ECHO-RQ', 'released']);
    } finally {
      await server.close(1000);
    }
  });

  test('echoscu without TLS against the TLS port fails', async () => {
    const { server, port, log } = await tlsServer();
    try {
      const r = await run('echoscu', ['-to', '5', '-ta', '5', '-aet', 'ECHOSCU', '-aec', AE, '127.0.0.1', String(port)]);
      assert.notEqual(r.code, 0);
      assert.deepEqual(log, []);
    } finally {
      await server.close(1000);
    }
  });

  test('our connect() over TLS with a client certificate: C-ECHO success', async () => {
    const { readFileSync } = await import('node:fs');
    const { server, port } = await tlsServer();
    try {
      const a = await connect({
        host: '127.0.0.1',
        port,
        tls: { key: readFileSync(key), cert: readFileSync(cert), ca: readFileSync(cert) },
        callingAeTitle: 'TLSSCU',
        calledAeTitle: AE,
        presentationContexts: [{ abstractSyntax: VERIFICATION, transferSyntaxes: [IMPLICIT] }],
      });
      assert.equal(await echo(a), 0);
      await a.release();
    } finally {
      await server.close(1000);
    }
  });

  test('our connect() over TLS without a client certificate is refused by the server', async () => {
    const { readFileSync } = await import('node:fs');
    const { server, port } = await tlsServer();
    try {
      await assert.rejects(
        connect({
          host: '127.0.0.1',
          port,
          tls: { ca: readFileSync(cert) },
          callingAeTitle: 'TLSSCU',
          calledAeTitle: AE,
          presentationContexts: [{ abstractSyntax: VERIFICATION, transferSyntaxes: [IMPLICIT] }],
          timeoutMs: 10_000,
        }),
      );
    } finally {
      await server.close(1000);
    }
  });
});

/** Sends C-ECHO-RQ on the Verification context and resolves with the response status. */
function echo(a: Association): Promise<number | undefined> {
  const pc = [...a.negotiated!.contexts.values()].find((c) => c.abstractSyntax === VERIFICATION)!;
  return new Promise((resolve, reject) => {
    a.once('command', ({ command }) => resolve(status(parseCommand(command))));
    a.once('aborted', (info) => reject(new Error(`aborted ${JSON.stringify(info)}`)));
    a.sendCommand(pc.id, cEchoRq(7)).catch(reject);
  });
}

describe('our connect() → DCMTK storescp', () => {
  test('C-ECHO answered with status 0, then A-RELEASE', async () => {
    const port = await freePort();
    const scp = spawn('storescp', ['-aet', 'STORESCP', '-od', work, '--ignore', String(port)], { stdio: 'ignore' });
    try {
      const a = await retry(() =>
        connect({
          host: '127.0.0.1',
          port,
          callingAeTitle: 'OURSCU',
          calledAeTitle: 'STORESCP',
          presentationContexts: [{ abstractSyntax: VERIFICATION, transferSyntaxes: [EXPLICIT, IMPLICIT] }],
          timeoutMs: 5000,
        }),
      );
      assert.equal(a.negotiated!.acceptorImplementationVersionName?.startsWith('OFFIS_DCMTK'), true);
      assert.equal(await echo(a), 0);
      let released = false;
      a.on('released', () => (released = true));
      await a.release();
      assert.equal(released, true);
      assert.equal(a.state, 'Sta1');
    } finally {
      scp.kill('SIGTERM');
    }
  });

  test('C-STORE of a 300 kB data set, streamed in fragments within storescp\'s 16 kB PDU limit: success', async () => {
    const port = await freePort();
    const scp = spawn('storescp', ['-aet', 'STORESCP', '-od', work, '--ignore', String(port)], { stdio: 'ignore' });
    try {
      const a = await retry(() =>
        connect({
          host: '127.0.0.1',
          port,
          callingAeTitle: 'OURSCU',
          calledAeTitle: 'STORESCP',
          presentationContexts: [{ abstractSyntax: SECONDARY_CAPTURE, transferSyntaxes: [EXPLICIT] }],
          timeoutMs: 5000,
        }),
      );
      assert.equal(a.negotiated!.acceptorMaxPduLength, 16384);
      const pc = [...a.negotiated!.contexts.values()][0]!;
      const response = new Promise<number | undefined>((resolve, reject) => {
        a.once('command', ({ command }) => resolve(status(parseCommand(command))));
        a.once('aborted', (info) => reject(new Error(`aborted ${JSON.stringify(info)}`)));
      });
      const dataset = explicitLeDataset(SECONDARY_CAPTURE, '2.25.987654321', 300_000);
      await a.sendCommand(pc.id, cStoreRq(1, SECONDARY_CAPTURE, '2.25.987654321'));
      const chunks = [dataset.subarray(0, 70_000), dataset.subarray(70_000, 70_001), dataset.subarray(70_001)];
      await a.sendDataStream(pc.id, Readable.from(chunks));
      assert.equal(await response, 0);
      assert.ok(a.stats.pdusSent >= 300_000 / 16384, `${a.stats.pdusSent} PDUs`);
      await a.release();
    } finally {
      scp.kill('SIGTERM');
    }
  });

  test('storescp --refuse: connect() rejects with the A-ASSOCIATE-RJ fields', async () => {
    const port = await freePort();
    const scp = spawn('storescp', ['--refuse', String(port)], { stdio: 'ignore' });
    try {
      const err = await retry(() =>
        connect({
          host: '127.0.0.1',
          port,
          callingAeTitle: 'OURSCU',
          calledAeTitle: 'STORESCP',
          presentationContexts: [{ abstractSyntax: VERIFICATION, transferSyntaxes: [IMPLICIT] }],
          timeoutMs: 5000,
        }),
      ).then(
        () => assert.fail('expected a rejection'),
        (e: unknown) => e,
      );
      assert.ok(err instanceof AssociationRejectedError, String(err));
      const rj: AAssociateRj = err.rj;
      assert.deepEqual([rj.result, rj.source, rj.reason], [1, 1, 1]);
    } finally {
      scp.kill('SIGTERM');
    }
  });
});

async function waitFor(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(cond(), 'condition not reached');
}

/** storescp needs a moment to listen; retry only on connection refused. */
async function retry<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ECONNREFUSED' || attempt > 50) throw err;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}
