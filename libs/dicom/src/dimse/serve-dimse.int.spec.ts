// serveDimse and the SCU functions against each other over loopback TCP: the cases DCMTK's
// tools cannot produce (early rejection of a large data set, handler failures, cancel of an
// endless C-FIND, the operations window, invalid and unreadable command sets).
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, describe, test } from 'node:test';
import { DataSet, readDataSet, TransferSyntaxUid, writeDataSet } from '../core';
import { DicomServer, connect, type Association, type ProposedContext } from '../net';
import type { UserInformationItem } from '../pdu';
import { defaultAcceptancePolicy } from './acceptance';
import {
  cEchoRq,
  cFindRq,
  CommandField,
  cStoreRq,
  decodeCommandSet,
  DimseStatusError,
  encodeCommandSet,
  nActionRq,
  Status,
  type DimseMessage,
} from './commands';
import { serveDimse } from './scp/serve-dimse';
import type { DimseHandlers, ServeDimseOptions } from './scp/handlers';
import { scpRoleSelection, proposeQuery } from './scu/contexts';
import { echo } from './scu/echo';
import { find } from './scu/find';
import { get } from './scu/retrieve';
import { store } from './scu/store';
import { QueryRetrieveModel } from './sop-classes';

const CT = '1.2.840.10008.5.1.4.1.1.2';
const MR = '1.2.840.10008.5.1.4.1.1.4';
const VERIFICATION = '1.2.840.10008.1.1';
const EXPLICIT = TransferSyntaxUid.ExplicitVRLittleEndian;
const servers: DicomServer[] = [];
after(async () => {
  await Promise.all(servers.map((s) => s.close(500)));
});

interface Running {
  port: number;
  accepted: Association[];
}

async function startServer(handlers: DimseHandlers, maxOperations?: number, options?: ServeDimseOptions): Promise<Running> {
  const server = new DicomServer({
    host: '127.0.0.1',
    port: 0,
    policy: defaultAcceptancePolicy({ aeTitle: 'PACS', acceptUnknownCallingAe: true, maxOperationsInvoked: maxOperations, maxOperationsPerformed: maxOperations }),
  });
  servers.push(server);
  const accepted: Association[] = [];
  server.on('association', (a) => {
    accepted.push(a);
    serveDimse(a, handlers, options);
  });
  const { port } = await server.listen();
  return { port, accepted };
}

const contexts: ProposedContext[] = [
  ...proposeQuery([VERIFICATION, QueryRetrieveModel.StudyRootFind, QueryRetrieveModel.StudyRootGet]),
  { abstractSyntax: CT, transferSyntaxes: [EXPLICIT] },
  { abstractSyntax: MR, transferSyntaxes: [EXPLICIT] },
];

const open = (port: number, userInformation?: UserInformationItem[]): Promise<Association> =>
  connect({ host: '127.0.0.1', port, callingAeTitle: 'TEST', calledAeTitle: 'PACS', presentationContexts: contexts, userInformation });

const contextId = (a: Association, sop: string): number => [...a.negotiated!.contexts.values()].find((c) => c.abstractSyntax === sop)!.id;

/**
 * Counts the writes that reach an association's socket writer (one writev when corked: PS3.8
 * P-DATA-TF PDUs back to back); reset() returns the count so far and starts again.
 */
function countSocketWrites(a: Association): { readonly count: number; reset(): number } {
  const socket = a.transport as unknown as { _writev: (...args: unknown[]) => void; _write: (...args: unknown[]) => void };
  let count = 0;
  for (const name of ['_writev', '_write'] as const) {
    const original = socket[name].bind(socket);
    socket[name] = (...args: unknown[]) => {
      count++;
      original(...args);
    };
  }
  return {
    get count() {
      return count;
    },
    reset() {
      const n = count;
      count = 0;
      return n;
    },
  };
}

/** Reads `value` after 50 promise callbacks queued now have run: before the end of the tick. */
function afterQueuedCallbacks<T>(value: () => T): Promise<T> {
  let chain = Promise.resolve();
  for (let i = 0; i < 50; i++) chain = chain.then(() => undefined);
  return chain.then(value);
}

/** Commands the client receives, decoded, for raw-protocol tests. */
function recordCommands(a: Association): DimseMessage[] {
  const seen: DimseMessage[] = [];
  a.on('command', (m) => seen.push(decodeCommandSet(m.command)));
  a.on('dataset', (m) => m.stream.resume());
  return seen;
}

async function waitFor(check: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(check(), 'condition not reached');
}

function bigDataSet(bytes: number): Readable {
  let sent = 0;
  return new Readable({
    read() {
      const n = Math.min(64 * 1024, bytes - sent);
      sent += n;
      this.push(n > 0 ? Buffer.alloc(n, 0x20) : null);
    },
  });
}

describe('C-STORE SCP', () => {
  test('an early refusal answers only after the whole data set arrived (PS3.7: the response follows the request)', async () => {
    const size = 8 * 1024 * 1024;
    let receivedAtResponse = -1;
    const { port, accepted } = await startServer({
      store: async () => {
        const server = accepted[0]!;
        const send = server.sendCommand.bind(server);
        server.sendCommand = (id, bytes) => {
          receivedAtResponse = server.stats.bytesReceived;
          return send(id, bytes);
        };
        throw new DimseStatusError(0xa900, 'C-STORE', 'refused before reading');
      },
    });
    const a = await open(port);
    const rsp = await store(a, { sopClassUid: CT, sopInstanceUid: '1.2.3.1', transferSyntaxUid: EXPLICIT, dataSet: bigDataSet(size) });
    assert.equal(rsp.status, 0xa900);
    assert.equal(rsp.errorComment, 'refused before reading');
    assert.ok(receivedAtResponse >= size, `responded after ${receivedAtResponse} of ${size} bytes`);
    assert.equal((await echo(a)).status, Status.Success);
    await a.release();
  });

  test('a slow consumer pauses the socket (backpressure) and still gets every byte', async () => {
    const size = 6 * 1024 * 1024;
    let got = 0;
    const { port, accepted } = await startServer({
      store: async ({ dataSet }) => {
        for await (const chunk of dataSet) {
          got += (chunk as Buffer).length;
          await new Promise((r) => setTimeout(r, 2));
        }
        return { status: Status.Success };
      },
    });
    const a = await open(port);
    assert.equal((await store(a, { sopClassUid: CT, sopInstanceUid: '1.2.3.2', transferSyntaxUid: EXPLICIT, dataSet: bigDataSet(size) })).status, 0);
    assert.equal(got, size);
    assert.ok(accepted[0]!.stats.socketPauses > 0);
    await a.release();
  });

  test('a handler that throws: 0xA700 with the message as Error Comment, association kept; a SOP class mismatch: 0x0122', async () => {
    const { port } = await startServer({ store: async () => Promise.reject(new Error('bucket unreachable')) });
    const a = await open(port);
    const rsp = await store(a, { sopClassUid: CT, sopInstanceUid: '1.2.3.3', transferSyntaxUid: EXPLICIT, dataSet: Buffer.alloc(10) });
    assert.equal(rsp.status, 0xa700);
    assert.equal(rsp.errorComment, 'bucket unreachable');
    // The command names MR on the CT context.
    const raw = recordCommands(a);
    const ct = contextId(a, CT);
    await a.sendCommand(ct, encodeCommandSet(cStoreRq({ messageId: 99, affectedSopClassUid: MR, affectedSopInstanceUid: '1.2.3.4' })));
    await a.sendData(ct, Buffer.alloc(4));
    await waitFor(() => raw.length === 1);
    assert.equal(raw[0]!.status, Status.SOPClassNotSupported);
    assert.equal((await echo(a)).status, 0);
    await a.release();
  });

  test('a data set held in memory leaves with its command in one socket write, before the tick ends; a streamed one in one write per chunk', async () => {
    const { port } = await startServer({ store: async ({ dataSet }) => {
      for await (const chunk of dataSet) void chunk;
      return { status: 0 };
    } });
    const a = await open(port);
    const writes = countSocketWrites(a);
    assert.equal((await store(a, { sopClassUid: CT, sopInstanceUid: '1.2.3.10', transferSyntaxUid: EXPLICIT, dataSet: Buffer.alloc(40_000, 1) })).status, 0);
    assert.equal(writes.reset(), 1, 'command and data set PDUs in one write');
    const chunks = [Buffer.alloc(64 * 1024, 2), Buffer.alloc(64 * 1024, 3)];
    assert.equal((await store(a, { sopClassUid: CT, sopInstanceUid: '1.2.3.11', transferSyntaxUid: EXPLICIT, dataSet: Readable.from(chunks, { objectMode: false }) })).status, 0);
    const streamed = writes.reset();
    assert.ok(streamed <= 1 + chunks.length, `${streamed} writes for a command and two chunks of four PDUs each`);
    // A request in memory leaves as soon as it is built: the peer's answer (and the next
    // sub-operation of a C-MOVE) waits on it, not on every promise queued ahead of the tick's end.
    const pending = store(a, { sopClassUid: CT, sopInstanceUid: '1.2.3.12', transferSyntaxUid: EXPLICIT, dataSet: Buffer.alloc(40_000, 4) });
    const writesBeforeTickEnd = await afterQueuedCallbacks(() => writes.count);
    assert.equal(writesBeforeTickEnd, 1, 'written while other promises were still running');
    assert.equal((await pending).status, 0);
    await a.release();
  });

  test('a response leaves as soon as it is built, not after the promise callbacks queued ahead of the tick end', async () => {
    const server: { writes?: { count: number } } = {};
    let writesWhenQueuedWorkEnded: Promise<number> | undefined;
    const { port, accepted } = await startServer({ store: async ({ dataSet }) => {
      for await (const chunk of dataSet) void chunk;
      // Work the handler's outcome woke elsewhere (embedded mode: the indexer, on the same thread).
      writesWhenQueuedWorkEnded = afterQueuedCallbacks(() => server.writes?.count ?? -1);
      return { status: 0 };
    } });
    const a = await open(port);
    assert.equal((await echo(a)).status, 0);
    server.writes = countSocketWrites(accepted[0]!);
    assert.equal((await store(a, { sopClassUid: CT, sopInstanceUid: '1.2.3.13', transferSyntaxUid: EXPLICIT, dataSet: Buffer.alloc(1000, 5) })).status, 0);
    assert.equal(await writesWhenQueuedWorkEnded, 1, 'the C-STORE-RSP was written before the queued callbacks had run');
    await a.release();
  });

  test('A-RELEASE waits for a store still in its handler; the C-STORE-RSP comes first', async () => {
    let finish!: () => void;
    const { port } = await startServer({ store: () => new Promise((resolve) => (finish = () => resolve({ status: 0 }))) });
    const a = await open(port);
    const raw = recordCommands(a);
    const events: string[] = [];
    a.on('command', () => events.push('C-STORE-RSP'));
    a.on('released', () => events.push('released'));
    const ct = contextId(a, CT);
    await a.sendCommand(ct, encodeCommandSet(cStoreRq({ messageId: 5, affectedSopClassUid: CT, affectedSopInstanceUid: '1.2.3.5' })));
    await a.sendData(ct, Buffer.alloc(8));
    const released = a.release();
    await waitFor(() => finish !== undefined);
    setTimeout(() => finish(), 20);
    await released;
    assert.deepEqual(events, ['C-STORE-RSP', 'released']);
    assert.equal(raw[0]!.status, 0);
  });
});

describe('C-FIND SCP', () => {
  test('matches the handler has at hand leave with the final response in one socket write; a match that comes later, in a write of its own', async () => {
    const server: { writes?: { count: number; reset(): number } } = {};
    let release!: () => void;
    const { port, accepted } = await startServer({
      find: async function* ({ identifier }) {
        for (let i = 0; i < 3; i++) yield new DataSet().setStrings(0x00100020, `P${i}`);
        if (identifier.getString(0x00100020) !== 'wait') return;
        await new Promise<void>((resolve) => (release = resolve));
        yield new DataSet().setStrings(0x00100020, 'LATE');
      },
    });
    const a = await open(port);
    assert.equal((await echo(a)).status, 0);
    server.writes = countSocketWrites(accepted[0]!);
    const all = async (id: string): Promise<string[]> => {
      const out: string[] = [];
      const query = find(a, QueryRetrieveModel.StudyRootFind, new DataSet().setStrings(0x00080052, 'STUDY').setStrings(0x00100020, id));
      for await (const m of query) {
        out.push(m.getString(0x00100020)!);
        if (out.length === 3) setTimeout(() => release?.(), 20);
      }
      assert.equal((await query.done).status, Status.Success);
      return out;
    };
    assert.deepEqual(await all('now'), ['P0', 'P1', 'P2']);
    assert.equal(server.writes.reset(), 1, 'three pending responses and the final one in one write');
    assert.deepEqual(await all('wait'), ['P0', 'P1', 'P2', 'LATE']);
    assert.equal(server.writes.reset(), 2, 'the first three pending responses, then the late match with the final one');
    await a.release();
  });

  test('cancel(): the handler\'s signal aborts and the final status is 0xFE00', async () => {
    let handlerAborted = false;
    const { port } = await startServer({
      find: async function* ({ signal }) {
        for (let i = 0; !signal.aborted; i++) {
          yield new DataSet().setStrings(0x00100020, `P${i}`);
          await new Promise((r) => setImmediate(r));
        }
        handlerAborted = true;
      },
    });
    const a = await open(port);
    const query = find(a, QueryRetrieveModel.StudyRootFind, new DataSet().setStrings(0x00080052, 'STUDY'));
    let n = 0;
    for await (const _ of query) {
      void _;
      if (++n === 3) query.cancel();
    }
    assert.equal((await query.done).status, Status.Cancel);
    await waitFor(() => handlerAborted);
    await a.release();
  });

  test('handler errors: DimseStatusError keeps its status, anything else 0xC000; the iterator throws DimseStatusError', async () => {
    const { port } = await startServer({
      find: async function* ({ identifier }) {
        yield new DataSet().setStrings(0x00100020, 'FIRST');
        if (identifier.getString(0x00100020) === 'resources') throw new DimseStatusError(0xa700, 'C-FIND', 'too many matches');
        throw new Error('index offline');
      },
    });
    const a = await open(port);
    const matches: string[] = [];
    const failing = find(a, QueryRetrieveModel.StudyRootFind, new DataSet().setStrings(0x00080052, 'STUDY').setStrings(0x00100020, 'resources'));
    await assert.rejects(async () => {
      for await (const m of failing) matches.push(m.getString(0x00100020)!);
    }, (e) => e instanceof DimseStatusError && e.status === 0xa700);
    assert.deepEqual(matches, ['FIRST']);
    const other = find(a, QueryRetrieveModel.StudyRootFind, new DataSet().setStrings(0x00080052, 'STUDY'));
    const final = await other.done;
    assert.equal(final.status, 0xc000);
    assert.equal(final.errorComment, 'index offline');
    await a.release();
  });

  test('an identifier that does not parse: 0xA900, the handler is not called', async () => {
    let called = false;
    const { port } = await startServer({
      find: async function* () {
        called = true;
        yield* [];
      },
    });
    const a = await open(port);
    const raw = recordCommands(a);
    const id = contextId(a, QueryRetrieveModel.StudyRootFind);
    await a.sendCommand(id, encodeCommandSet(cFindRq({ messageId: 3, affectedSopClassUid: QueryRetrieveModel.StudyRootFind })));
    await a.sendData(id, Buffer.from([0x10, 0x00, 0x10, 0x00, 0x50, 0x4e, 0xff, 0x00, 0x41, 0x42]));
    await waitFor(() => raw.length === 1);
    assert.equal(raw[0]!.status, 0xa900);
    assert.equal(called, false);
    await a.release();
  });
});

describe('asynchronous operations window (PS3.7 D.3.3.3)', () => {
  const slowFind = (counter: { running: number; peak: number }): DimseHandlers['find'] =>
    async function* () {
      counter.running++;
      counter.peak = Math.max(counter.peak, counter.running);
      await new Promise((r) => setTimeout(r, 30));
      counter.running--;
      yield new DataSet().setStrings(0x00100020, 'X');
    };
  const sendFinds = async (a: Association, ids: number[]): Promise<void> => {
    const pc = contextId(a, QueryRetrieveModel.StudyRootFind);
    const identifier = writeDataSet(new DataSet().setStrings(0x00080052, 'STUDY'), pc === 0 ? EXPLICIT : a.negotiated!.contexts.get(pc)!.transferSyntax);
    for (const messageId of ids) {
      await a.sendCommand(pc, encodeCommandSet(cFindRq({ messageId, affectedSopClassUid: QueryRetrieveModel.StudyRootFind })));
      await a.sendData(pc, identifier);
    }
  };

  test('window 1 (default): requests a peer sends anyway are performed one after the other', async () => {
    const counter = { running: 0, peak: 0 };
    const { port } = await startServer({ find: slowFind(counter) });
    const a = await open(port);
    const raw = recordCommands(a);
    await sendFinds(a, [1, 2, 3]);
    await waitFor(() => raw.filter((c) => c.status === 0).length === 3);
    assert.equal(counter.peak, 1);
    await a.release();
  });

  test('window 3/3 negotiated: three C-FINDs are performed at once', async () => {
    const counter = { running: 0, peak: 0 };
    const { port } = await startServer({ find: slowFind(counter) }, 3);
    const a = await open(port, [{ type: 'asynchronous-operations-window', maxOperationsInvoked: 3, maxOperationsPerformed: 3 }]);
    assert.equal(a.negotiated!.maxOperationsInvoked, 3);
    const queries = [1, 2, 3].map(() => find(a, QueryRetrieveModel.StudyRootFind, new DataSet().setStrings(0x00080052, 'STUDY')));
    const finals = await Promise.all(queries.map((q) => q.done));
    assert.deepEqual(finals.map((f) => f.status), [0, 0, 0]);
    assert.equal(counter.peak, 3);
    await a.release();
  });
});

describe('C-GET SCP sub-operations on the same association', () => {
  test('a context with the SCP role receives the C-STORE; a class without it fails that sub-operation (B000, failed list)', async () => {
    const { port } = await startServer({
      get: async function* ({ sendSubOperation }) {
        const ok = await sendSubOperation(CT, '1.2.9.1', EXPLICIT, Readable.from([Buffer.alloc(64, 1)]));
        yield { remaining: 1, completed: ok === 0 ? 1 : 0, failed: ok === 0 ? 0 : 1, warning: 0 };
        const noRole = await sendSubOperation(MR, '1.2.9.2', EXPLICIT, Buffer.alloc(64));
        assert.equal(noRole, Status.SOPClassNotSupported);
        return { completed: 1, failed: 1, warning: 0, failedSopInstanceUids: ['1.2.9.2'] };
      },
    });
    const a = await open(port, scpRoleSelection([CT]));
    const received: string[] = [];
    const operation = get(a, QueryRetrieveModel.StudyRootGet, new DataSet().setStrings(0x00080052, 'STUDY'), async (request) => {
      let bytes = 0;
      for await (const c of request.dataSet) bytes += (c as Buffer).length;
      received.push(`${request.sopInstanceUid}:${bytes}`);
      return { status: 0 };
    });
    const progress = [];
    for await (const p of operation) progress.push(p);
    const outcome = await operation.done;
    assert.deepEqual(received, ['1.2.9.1:64']);
    assert.equal(progress.length, 1);
    assert.equal(outcome.status, 0xb000);
    assert.deepEqual([outcome.completed, outcome.failed, outcome.warning], [1, 1, 0]);
    assert.deepEqual(outcome.failedSopInstanceUids, ['1.2.9.2']);
    await a.release();
  });

  test('pending responses: one per sub-operation by default; with pendingIntervalMs the first, then at most one per interval', async () => {
    const handlers: DimseHandlers = {
      get: async function* () {
        for (let done = 0; done < 5; done++) yield { remaining: 5 - done, completed: done, failed: 0, warning: 0 };
        return { completed: 5, failed: 0, warning: 0 };
      },
    };
    const pendingsAndFinal = async (port: number): Promise<{ pending: number[]; completed: number | undefined }> => {
      const a = await open(port, scpRoleSelection([CT]));
      const operation = get(a, QueryRetrieveModel.StudyRootGet, new DataSet().setStrings(0x00080052, 'STUDY'), async () => ({ status: 0 }));
      const pending: number[] = [];
      for await (const p of operation) pending.push(p.remaining ?? -1);
      const { status, completed } = await operation.done;
      assert.equal(status, 0);
      await a.release();
      return { pending, completed };
    };
    assert.deepEqual(await pendingsAndFinal((await startServer(handlers)).port), { pending: [5, 4, 3, 2, 1], completed: 5 });
    // An interval no test run reaches: only the first pending goes; the final has the counts.
    assert.deepEqual(await pendingsAndFinal((await startServer(handlers, undefined, { pendingIntervalMs: 3_600_000 })).port), { pending: [5], completed: 5 });
  });
});

describe('commands that are not what they should be', () => {
  test('N-ACTION on a storage context without an N-service handler: 0x0211 unrecognized operation', async () => {
    const { port } = await startServer({});
    const a = await open(port);
    const raw = recordCommands(a);
    await a.sendCommand(contextId(a, CT), encodeCommandSet(nActionRq({ messageId: 4, requestedSopClassUid: CT, requestedSopInstanceUid: '1.2.3', actionTypeId: 1 })));
    await waitFor(() => raw.length === 1);
    assert.equal(raw[0]!.commandField, CommandField.N_ACTION_RSP);
    assert.equal(raw[0]!.status, Status.UnrecognizedOperation);
    await a.release();
  });

  test('a C-STORE-RQ without Affected SOP Instance UID: 0xC000 after its data set; an unknown command field: 0x0211', async () => {
    const { port } = await startServer({ store: async () => assert.fail('handler must not run') });
    const a = await open(port);
    const seen: { field?: number; status?: number; id?: number }[] = [];
    a.on('command', (m) => {
      // Read as a plain data set: a response to an unknown command field is no known command.
      const c = readDataSet(m.command, TransferSyntaxUid.ImplicitVRLittleEndian);
      seen.push({ field: c.getNumber(0x00000100), status: c.getNumber(0x00000900), id: c.getNumber(0x00000120) });
    });
    const ct = contextId(a, CT);
    const noInstance = encodeCommandSet({ commandField: CommandField.C_STORE_RQ, hasDataSet: true, messageId: 11, affectedSopClassUid: CT, priority: 0 });
    await a.sendCommand(ct, noInstance);
    await a.sendData(ct, Buffer.alloc(32));
    const unknown = encodeCommandSet({ commandField: 0x0aaa, hasDataSet: false, messageId: 12, affectedSopClassUid: CT });
    await a.sendCommand(ct, unknown);
    await waitFor(() => seen.length === 2);
    assert.deepEqual(seen, [
      { field: 0x8001, status: Status.UnableToProcess, id: 11 },
      { field: 0x8aaa, status: Status.UnrecognizedOperation, id: 12 },
    ]);
    assert.equal((await echo(a)).status, 0);
    await a.release();
  });

  test('an unreadable command set or a data set nobody announced: A-ABORT (service-provider, invalid PDU parameter)', async () => {
    const { port } = await startServer({});
    for (const send of [
      (a: Association) => a.sendCommand(contextId(a, VERIFICATION), Buffer.from([0, 0, 0, 0, 4, 0, 0, 0, 0xff, 0xff])),
      (a: Association) => a.sendData(contextId(a, CT), Buffer.alloc(16)),
    ]) {
      const a = await open(port);
      const aborted = new Promise<{ source: number; reason: number }>((resolve) => a.once('aborted', resolve));
      await send(a);
      const info = await aborted;
      assert.deepEqual([info.source, info.reason], [2, 6]);
      await a.whenClosed();
    }
  });

  test('C-ECHO with a handler outcome, and echo() from our side', async () => {
    const { port } = await startServer({ echo: () => ({ status: 0x0110, errorComment: 'maintenance' }) });
    const a = await open(port);
    const raw = recordCommands(a);
    await a.sendCommand(contextId(a, VERIFICATION), encodeCommandSet(cEchoRq({ messageId: 77 })));
    await waitFor(() => raw.length === 1);
    assert.equal(raw[0]!.status, 0x0110);
    assert.equal(raw[0]!.messageIdBeingRespondedTo, 77);
    await a.release();
  });
});
