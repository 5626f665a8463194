// Our requestor against our acceptor over loopback TCP, plus raw sockets for protocol
// violations. No assertion depends on wall-clock time.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect as rawConnect, type Socket } from 'node:net';
import { Readable } from 'node:stream';
import { after, describe, test } from 'node:test';
import { decodePdu, encodePdu, PduReader, type Pdu } from '../pdu';
import type { AcceptancePolicy } from '../ul';
import type { Association, AssociationOptions } from './association';
import { buildAssociateRq, connect, type ConnectOptions } from './connect';
import { AssociationAbortedError, AssociationRejectedError, UnknownPresentationContextError, type AbortInfo } from './net-errors';
import { DicomServer } from './server';
import { VERIFICATION } from './test-commands';

const IMPLICIT = '1.2.840.10008.1.2';
const CT = '1.2.840.10008.5.1.4.1.1.2';

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown): void => {
  unhandled.push(reason);
};
process.on('unhandledRejection', onUnhandled);
after(() => {
  process.off('unhandledRejection', onUnhandled);
  assert.deepEqual(unhandled, [], 'no unhandled promise rejections');
});

const policy: AcceptancePolicy = {
  calledAeTitles: ['PACS'],
  abstractSyntaxes: [
    { abstractSyntax: VERIFICATION, transferSyntaxes: [IMPLICIT] },
    { abstractSyntax: CT, transferSyntaxes: [IMPLICIT] },
  ],
  maxPduLength: 16384,
  implementationClassUid: '2.25.1',
};

interface Fixture {
  server: DicomServer;
  port: number;
  accepted: Promise<Association>;
  options: (extra?: Partial<ConnectOptions>) => ConnectOptions;
}

async function start(serverOptions: AssociationOptions & { maxAssociations?: number; policy?: AcceptancePolicy } = {}): Promise<Fixture> {
  const server = new DicomServer({ host: '127.0.0.1', port: 0, policy, ...serverOptions });
  const accepted = new Promise<Association>((resolve) => server.on('association', (a) => a.once('accepted', () => resolve(a))));
  const { port } = await server.listen();
  return {
    server,
    port,
    accepted,
    options: (extra = {}) => ({
      host: '127.0.0.1',
      port,
      callingAeTitle: 'SCU',
      calledAeTitle: 'PACS',
      presentationContexts: [
        { abstractSyntax: VERIFICATION, transferSyntaxes: [IMPLICIT] },
        { abstractSyntax: CT, transferSyntaxes: [IMPLICIT] },
      ],
      ...extra,
    }),
  };
}

const pattern = (i: number): number => (i * 31 + (i >>> 11)) & 0xff;

/** 50 MB of a position-dependent pattern, produced in 64 KiB chunks. */
function patternSource(total: number): Readable {
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= total) {
        this.push(null);
        return;
      }
      const n = Math.min(65536, total - sent);
      const b = Buffer.allocUnsafe(n);
      for (let i = 0; i < n; i++) b[i] = pattern(sent + i);
      sent += n;
      this.push(b);
    },
  });
}

describe('data set streaming', () => {
  test('50 MB to a slow consumer: socket paused and resumed, bytes complete and in order, never buffered whole', async () => {
    const total = 50 * 1024 * 1024;
    const hwm = 256 * 1024;
    const f = await start({ datasetHighWaterMark: hwm, maxPduLength: 65536 });
    const client = await connect(f.options({ maxPduLength: 65536 }));
    const server = await f.accepted;
    try {
      const received = new Promise<{ bytes: number; maxBuffered: number; mismatch: number }>((resolve, reject) => {
        server.once('dataset', ({ stream }) => {
          let bytes = 0;
          let mismatch = -1;
          let maxBuffered = 0;
          let chunks = 0;
          const consume = async (): Promise<void> => {
            // Do not read until the association had to pause the socket once.
            while (server.stats.socketPauses === 0) await new Promise((r) => setImmediate(r));
            for await (const chunk of stream as AsyncIterable<Buffer>) {
              maxBuffered = Math.max(maxBuffered, stream.readableLength);
              for (let i = 0; i < chunk.length; i++) {
                if (mismatch < 0 && chunk[i] !== pattern(bytes + i)) mismatch = bytes + i;
              }
              bytes += chunk.length;
              if (++chunks % 8 === 0) await new Promise((r) => setImmediate(r));
            }
            resolve({ bytes, maxBuffered, mismatch });
          };
          consume().catch(reject);
        });
      });
      const pc = [...client.negotiated!.contexts.values()].find((c) => c.abstractSyntax === CT)!;
      await client.sendDataStream(pc.id, patternSource(total));
      const r = await received;
      assert.equal(r.mismatch, -1, `first wrong byte at ${r.mismatch}`);
      assert.equal(r.bytes, total);
      assert.ok(server.stats.socketPauses > 0, 'socket was paused');
      assert.equal(server.stats.socketResumes, server.stats.socketPauses, 'every pause was resumed');
      assert.ok(r.maxBuffered < 4 * 1024 * 1024, `at most ${r.maxBuffered} bytes buffered`);
      assert.ok(client.stats.pdusSent > total / 65536, 'fragmented to the peer maximum PDU length');
      await client.release();
    } finally {
      await f.server.close(1000);
    }
  });

  test('whenWritten: a Buffer sent to a peer that is not reading stays in use until the socket has handed it all on', async () => {
    const f = await start({ datasetHighWaterMark: 256 * 1024 });
    const client = await connect(f.options());
    const server = await f.accepted;
    try {
      await client.whenWritten(); // nothing pending: at once
      const stream = new Promise<Readable>((resolve) => server.once('dataset', ({ stream: s }) => resolve(s as Readable)));
      const pc = [...client.negotiated!.contexts.values()].find((c) => c.abstractSyntax === CT)!;
      await client.sendData(pc.id, Buffer.alloc(32 * 1024 * 1024, 7));
      let written = false;
      const whenWritten = client.whenWritten().then(() => {
        written = true;
      });
      const unread = await stream;
      while (server.stats.socketPauses === 0) await new Promise((r) => setImmediate(r));
      for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
      assert.equal(written, false, 'not resolved while the peer holds back');
      assert.ok(client.transport!.writableLength > 0, 'bytes still queued in our socket');
      let bytes = 0;
      for await (const chunk of unread as AsyncIterable<Buffer>) bytes += chunk.length;
      await whenWritten;
      assert.equal(bytes, 32 * 1024 * 1024);
      assert.equal(client.transport!.writableLength, 0);
      await client.release();
    } finally {
      await f.server.close(1000);
    }
  });

  test('a command larger than the peer maximum PDU is fragmented and reassembled', async () => {
    const f = await start();
    const client = await connect(f.options());
    const server = await f.accepted;
    try {
      const big = Buffer.alloc(40_000);
      for (let i = 0; i < big.length; i++) big[i] = i & 0xff;
      const got = once(server, 'command');
      await client.sendCommand(1, big);
      const [message] = (await got) as [{ command: Buffer; presentationContextId: number }];
      assert.equal(message.presentationContextId, 1);
      assert.deepEqual(message.command, big);
      assert.ok(client.stats.pdusSent >= 4, 'server max PDU 16384 → at least 3 fragments + RQ');
      await client.release();
    } finally {
      await f.server.close(1000);
    }
  });

  test('an empty data set still ends its stream', async () => {
    const f = await start();
    const client = await connect(f.options());
    const server = await f.accepted;
    try {
      const got = new Promise<number>((resolve) =>
        server.once('dataset', ({ stream }) => {
          let n = 0;
          stream.on('data', (c: Buffer) => (n += c.length));
          stream.on('end', () => resolve(n));
        }),
      );
      await client.sendData(3, Buffer.alloc(0));
      assert.equal(await got, 0);
      await client.release();
    } finally {
      await f.server.close(1000);
    }
  });

  test('a command set over maxCommandLength aborts: source 2, invalid-PDU-parameter-value', async () => {
    const f = await start({ maxCommandLength: 1000 });
    const client = await connect(f.options());
    try {
      const aborted = once(client, 'aborted');
      await client.sendCommand(1, Buffer.alloc(2000));
      const [info] = (await aborted) as [AbortInfo];
      assert.deepEqual([info.initiator, info.source, info.reason], ['peer', 2, 6]);
    } finally {
      await f.server.close(1000);
    }
  });

  test('a failing data set source aborts the association; the receiver stream errors', async () => {
    const f = await start();
    const client = await connect(f.options());
    const server = await f.accepted;
    try {
      const streamError = new Promise<unknown>((resolve) =>
        server.once('dataset', ({ stream }) => {
          stream.on('error', resolve);
          stream.resume();
        }),
      );
      let n = 0;
      const source = new Readable({
        read() {
          if (n++ < 3) this.push(Buffer.alloc(30_000, 1));
          else this.destroy(new Error('disk gone'));
        },
      });
      await assert.rejects(client.sendDataStream(3, source), /disk gone/);
      assert.ok((await streamError) instanceof AssociationAbortedError);
    } finally {
      await f.server.close(1000);
    }
  });

  test('sending on a context that was not accepted is refused locally', async () => {
    const f = await start();
    const client = await connect(f.options());
    try {
      await assert.rejects(client.sendCommand(5, Buffer.alloc(10)), UnknownPresentationContextError);
      await client.release();
    } finally {
      await f.server.close(1000);
    }
  });
});

describe('release and abort', () => {
  test('release collision (PS3.8 §9.2.7): both sides ask at once, both end released', async () => {
    const f = await start();
    const client = await connect(f.options());
    const server = await f.accepted;
    try {
      const events: string[] = [];
      client.on('released', () => events.push('client released'));
      server.on('released', () => events.push('server released'));
      client.on('aborted', () => events.push('client aborted'));
      server.on('aborted', () => events.push('server aborted'));
      await Promise.all([client.release(), server.release(), server.whenClosed()]);
      assert.deepEqual(events.sort(), ['client released', 'server released']);
      assert.equal(client.state, 'Sta1');
      assert.equal(server.state, 'Sta1');
    } finally {
      await f.server.close(1000);
    }
  });

  test('a peer-requested release waits for tracked work', async () => {
    const f = await start();
    const client = await connect(f.options());
    const server = await f.accepted;
    try {
      let finish!: () => void;
      void server.trackWork(new Promise<void>((r) => (finish = r)));
      const releasing = client.release();
      for (let i = 0; i < 10_000 && server.state === 'Sta6'; i++) await new Promise((r) => setImmediate(r));
      for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
      assert.equal(server.state, 'Sta8', 'release indication received, response held');
      assert.equal(client.state, 'Sta7', 'requestor still awaiting A-RELEASE-RP');
      finish();
      await releasing;
    } finally {
      await f.server.close(1000);
    }
  });

  test('A-ABORT from the requestor reaches the acceptor as a service-user abort', async () => {
    const f = await start();
    const client = await connect(f.options());
    const server = await f.accepted;
    try {
      const aborted = once(server, 'aborted');
      client.abort();
      const [info] = (await aborted) as [AbortInfo];
      assert.deepEqual([info.initiator, info.source, info.reason], ['peer', 0, 0]);
      await Promise.all([client.whenClosed(), server.whenClosed()]);
    } finally {
      await f.server.close(1000);
    }
  });

  test('idle timeout aborts an association nobody uses', async () => {
    const f = await start({ idleTimeoutMs: 50 });
    const client = await connect(f.options());
    const server = await f.accepted;
    try {
      const [info] = (await once(client, 'aborted')) as [AbortInfo];
      assert.equal(info.initiator, 'peer');
      assert.equal(server.abortInfo?.cause, 'idle-timeout');
    } finally {
      await f.server.close(1000);
    }
  });

  test('graceful close: stop accepting, then abort what is still open after the grace period', async () => {
    const f = await start();
    const client = await connect(f.options());
    await f.accepted;
    const aborted = once(client, 'aborted');
    await f.server.close(50);
    const [info] = (await aborted) as [AbortInfo];
    assert.equal(info.initiator, 'peer');
    await assert.rejects(connect(f.options()), (e: NodeJS.ErrnoException) => e.code === 'ECONNREFUSED');
  });
});

describe('association establishment', () => {
  test('wrong called AE: connect() rejects with A-ASSOCIATE-RJ 1/1/7', async () => {
    const f = await start();
    try {
      await assert.rejects(connect(f.options({ calledAeTitle: 'NOPE' })), (e: unknown) => {
        assert.ok(e instanceof AssociationRejectedError);
        assert.deepEqual([e.result, e.source, e.reason], [1, 1, 7]);
        return true;
      });
    } finally {
      await f.server.close(1000);
    }
  });

  test('over maxAssociations: connect() rejects with A-ASSOCIATE-RJ 2/3/2', async () => {
    const f = await start({ maxAssociations: 1 });
    const first = await connect(f.options());
    try {
      await assert.rejects(connect(f.options()), (e: unknown) => {
        assert.ok(e instanceof AssociationRejectedError);
        assert.deepEqual([e.result, e.source, e.reason], [2, 3, 2]);
        return true;
      });
      await first.release();
      await (await f.accepted).whenClosed();
      const again = await connect(f.options());
      await again.release();
    } finally {
      await f.server.close(1000);
    }
  });

  test('nothing listening: connect() rejects with the socket error', async () => {
    const f = await start();
    await f.server.close(0);
    await assert.rejects(connect(f.options()), (e: NodeJS.ErrnoException) => e.code === 'ECONNREFUSED');
  });

  test('negotiated contexts and the peer maximum PDU length are known to both sides', async () => {
    const f = await start();
    const client = await connect(f.options({ maxPduLength: 32768 }));
    const server = await f.accepted;
    try {
      assert.deepEqual([...client.negotiated!.contexts.keys()], [1, 3]);
      assert.equal(client.negotiated!.acceptorMaxPduLength, 16384);
      assert.equal(server.negotiated!.requestorMaxPduLength, 32768);
      await client.release();
    } finally {
      await f.server.close(1000);
    }
  });
});

/** A raw TCP peer speaking PDUs by hand. */
async function rawPeer(port: number): Promise<{ socket: Socket; next: () => Promise<Pdu | 'closed'> }> {
  const socket = rawConnect({ host: '127.0.0.1', port, noDelay: true });
  await once(socket, 'connect');
  const reader = new PduReader();
  const queue: (Pdu | 'closed')[] = [];
  let wake: (() => void) | undefined;
  socket.on('data', (chunk: Buffer) => {
    for (const p of reader.push(chunk)) queue.push(p);
    wake?.();
  });
  socket.on('close', () => {
    queue.push('closed');
    wake?.();
  });
  socket.on('error', () => undefined);
  return {
    socket,
    next: async () => {
      while (queue.length === 0) await new Promise<void>((r) => (wake = r));
      return queue.shift()!;
    },
  };
}

describe('protocol violations from a raw peer', () => {
  const rq = buildAssociateRq({
    host: '',
    port: 0,
    callingAeTitle: 'RAW',
    calledAeTitle: 'PACS',
    presentationContexts: [{ abstractSyntax: VERIFICATION, transferSyntaxes: [IMPLICIT] }],
  });

  test('a P-DATA-TF over our maximum PDU length → A-ABORT source 2 reason 6, then close', async () => {
    const f = await start({ maxPduLength: 16384 });
    try {
      const peer = await rawPeer(f.port);
      peer.socket.write(encodePdu(rq));
      assert.equal(((await peer.next()) as Pdu).type, 'A-ASSOCIATE-AC');
      peer.socket.write(Buffer.from([0x04, 0, 0x00, 0x01, 0x00, 0x00]));
      assert.deepEqual(await peer.next(), { type: 'A-ABORT', source: 2, reason: 6 });
      peer.socket.end();
      assert.equal(await peer.next(), 'closed');
    } finally {
      await f.server.close(1000);
    }
  });

  test('an unknown PDU type → A-ABORT source 2 reason 1 (unrecognized-PDU)', async () => {
    const f = await start();
    try {
      const peer = await rawPeer(f.port);
      peer.socket.write(encodePdu(rq));
      await peer.next();
      peer.socket.write(Buffer.from([0x0a, 0, 0, 0, 0, 0]));
      assert.deepEqual(await peer.next(), { type: 'A-ABORT', source: 2, reason: 1 });
      peer.socket.destroy();
    } finally {
      await f.server.close(1000);
    }
  });

  test('a second A-ASSOCIATE-RQ in Sta6 → A-ABORT source 2 reason 2 (unexpected-PDU), Table 9-10 AA-8', async () => {
    const f = await start();
    try {
      const peer = await rawPeer(f.port);
      peer.socket.write(encodePdu(rq));
      await peer.next();
      peer.socket.write(encodePdu(rq));
      assert.deepEqual(await peer.next(), { type: 'A-ABORT', source: 2, reason: 2 });
      peer.socket.destroy();
    } finally {
      await f.server.close(1000);
    }
  });

  test('a PDV on a presentation context never accepted → A-ABORT source 2 reason 6', async () => {
    const f = await start();
    try {
      const peer = await rawPeer(f.port);
      peer.socket.write(encodePdu(rq));
      await peer.next();
      peer.socket.write(encodePdu({ type: 'P-DATA-TF', pdvs: [{ presentationContextId: 9, isCommand: true, isLast: true, data: Buffer.alloc(4) }] }));
      assert.deepEqual(await peer.next(), { type: 'A-ABORT', source: 2, reason: 6 });
      peer.socket.destroy();
    } finally {
      await f.server.close(1000);
    }
  });

  test('ARTIM: a connection that never sends A-ASSOCIATE-RQ is closed (Sta2 + Evt18 → AA-2)', async () => {
    const f = await start({ artimTimeoutMs: 50 });
    try {
      const peer = await rawPeer(f.port);
      assert.equal(await peer.next(), 'closed');
    } finally {
      await f.server.close(1000);
    }
  });

  test('A-ASSOCIATE-RQ byte by byte is still understood', async () => {
    const f = await start();
    try {
      const peer = await rawPeer(f.port);
      for (const byte of encodePdu(rq)) peer.socket.write(Buffer.from([byte]));
      const ac = await peer.next();
      assert.equal((ac as Pdu).type, 'A-ASSOCIATE-AC');
      peer.socket.write(encodePdu({ type: 'A-RELEASE-RQ' }));
      assert.deepEqual(await peer.next(), { type: 'A-RELEASE-RP' });
      peer.socket.end();
      assert.equal(await peer.next(), 'closed');
    } finally {
      await f.server.close(1000);
    }
  });

  test('decodePdu of what the server sent is byte-exact with our encoder', async () => {
    const f = await start();
    try {
      const peer = await rawPeer(f.port);
      const chunks: Buffer[] = [];
      peer.socket.on('data', (c: Buffer) => chunks.push(c));
      peer.socket.write(encodePdu(rq));
      await peer.next();
      const bytes = Buffer.concat(chunks);
      assert.deepEqual(encodePdu(decodePdu(bytes)), bytes);
      peer.socket.destroy();
    } finally {
      await f.server.close(1000);
    }
  });
});
