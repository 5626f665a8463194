import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { ConsumerSpec } from '../bus';
import { BusUnavailableError } from '../errors';
import { busConformance } from '../testing/bus-conformance';
import { bytes, deferred, eventually, text } from '../testing/fixture';
import { NatsBus } from './nats-bus';

const servers = process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222';
const connectBus = (): Promise<NatsBus> => NatsBus.connect({ servers, name: 'pacs-messaging-test', drainTimeoutMs: 5_000 });

busConformance('NatsBus', connectBus);

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** A private JetStream server (nats-server from the PATH) on a free port, for the restart test. */
async function startNatsServer(port: number, storeDir: string): Promise<ChildProcess> {
  const child = spawn('nats-server', ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', storeDir], { stdio: ['ignore', 'ignore', 'pipe'] });
  const ready = deferred<Error | undefined>();
  let log = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    log += chunk.toString();
    if (log.includes('Server is ready')) ready.resolve(undefined);
  });
  child.once('error', (err) => ready.resolve(err));
  child.once('exit', (code) => ready.resolve(new Error(`nats-server exited with ${code}: ${log}`)));
  const failure = await ready.promise;
  if (failure) throw failure;
  return child;
}

function stopProcess(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill(signal);
  return exited;
}

describe('NatsBus only', () => {
  test('a new NatsBus instance on the same durable picks up what the previous one left unacked', { timeout: 60_000 }, async () => {
    const id = randomBytes(5).toString('hex');
    const stream = `T_${id}`;
    const subject = `t.${id}.durable`;
    const spec: ConsumerSpec = { stream, durable: 'indexer', maxAckPending: 10, ackWaitMs: 1_000, maxDeliver: 5 };
    const first = await connectBus();
    const release = deferred();
    let second: NatsBus | undefined;
    try {
      await first.ensureStream({ name: stream, subjects: [`t.${id}.>`], duplicateWindowMs: 60_000 });
      for (const m of ['m0', 'm1', 'm2']) await first.publish(subject, bytes(m), { msgId: `${id}-${m}` });
      const seenFirst: string[] = [];
      const c1 = await first.consume(spec, async (m) => {
        seenFirst.push(text(m.data));
        if (text(m.data) !== 'm0') await release.promise;
      });
      await eventually(() => seenFirst.length === 3, 'first instance received all three');
      // The first instance goes away with m1 and m2 in its hands, unacked (a crashed pod).
      await c1.stop({ timeoutMs: 0 });
      await first.close();

      second = await connectBus();
      const seenSecond: Array<{ data: string; deliveryCount: number }> = [];
      await second.consume(spec, async (m) => {
        seenSecond.push({ data: text(m.data), deliveryCount: m.deliveryCount });
      });
      const bus = second;
      await eventually(async () => {
        const lag = (await bus.streamInfo(stream)).consumers[0];
        return seenSecond.length >= 2 && lag?.ackPending === 0 && lag.pending === 0;
      }, 'second instance settled m1 and m2');
      assert.deepEqual(
        [...seenSecond].sort((a, b) => a.data.localeCompare(b.data)),
        [
          { data: 'm1', deliveryCount: 2 },
          { data: 'm2', deliveryCount: 2 },
        ],
      );
    } finally {
      release.resolve();
      const cleaner = second ?? (await connectBus());
      await cleaner.deleteStream(stream).catch(() => false);
      await cleaner.close();
    }
  });

  test('connecting to a server that is not there fails with BusUnavailableError', { timeout: 30_000 }, async () => {
    const port = await freePort();
    await assert.rejects(NatsBus.connect({ servers: `nats://127.0.0.1:${port}`, connectTimeoutMs: 1_000 }), BusUnavailableError);
  });

  test('publish and consume carry on after the NATS server restarts', { timeout: 90_000 }, async (t) => {
    const port = await freePort();
    const storeDir = mkdtempSync(join(tmpdir(), 'pacs-nats-'));
    let server: ChildProcess;
    try {
      server = await startNatsServer(port, storeDir);
    } catch (err) {
      rmSync(storeDir, { recursive: true, force: true });
      t.skip(`nats-server binary not runnable here: ${String(err)}`);
      return;
    }
    const bus = await NatsBus.connect({ servers: `nats://127.0.0.1:${port}`, reconnectTimeWaitMs: 200, reconnectJitterMs: 100, drainTimeoutMs: 2_000 });
    try {
      await bus.ensureStream({ name: 'RESTART', subjects: ['restart.>'], duplicateWindowMs: 60_000 });
      const got: string[] = [];
      await bus.consume({ stream: 'RESTART', durable: 'indexer', maxAckPending: 10, ackWaitMs: 2_000, maxDeliver: 5 }, async (m) => {
        got.push(text(m.data));
      });
      await bus.publish('restart.event', bytes('before'));
      await eventually(() => got.includes('before'), 'delivery before the restart');
      await eventually(async () => (await bus.streamInfo('RESTART')).consumers[0]?.ackPending === 0, 'ack stored before the restart');

      await stopProcess(server, 'SIGKILL');
      await assert.rejects(bus.ping(), BusUnavailableError);
      server = await startNatsServer(port, storeDir);
      await eventually(() => bus.ping().then(() => true, () => false), 'ready again after the restart', 30_000);

      await eventually(() => bus.publish('restart.event', bytes('after'), { msgId: 'after-1' }).then(() => true, () => false), 'publish after the restart', 30_000);
      await eventually(() => got.includes('after'), 'delivery after the restart', 30_000);
      assert.deepEqual(got.filter((g) => g === 'before'), ['before']);
    } finally {
      await bus.close();
      await stopProcess(server, 'SIGTERM');
      rmSync(storeDir, { recursive: true, force: true });
    }
  });
});
