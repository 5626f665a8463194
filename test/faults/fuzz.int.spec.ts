// Fuzz: at least 100,000 mutated PDUs, command sets and data sets (from the golden fixtures in
// test/fixtures/pdu and test/fixtures/datasets: bit flips, truncations, corrupted length
// fields, random splices) sent over many connections to an SCP built on serveDimse, running
// in this process. The server must survive, raise no unhandled rejection or uncaught
// exception, end every association, leak neither associations nor listeners, and still serve
// a valid association afterwards. Seeded: FUZZ_SEED=<n> replays a run.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { connect as netConnect } from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ROOT } from '@pacs/testing';
import {
  buildAssociateRq,
  cEchoRq,
  cFindRq,
  cMoveRq,
  connect,
  cStoreRq,
  DataSet,
  defaultAcceptancePolicy,
  DicomServer,
  DimseStatusError,
  echo,
  encodeCommandSet,
  encodePdu,
  HeaderCollector,
  openPart10File,
  pDataTfHeader,
  proposeQuery,
  proposeStorage,
  QueryRetrieveModel,
  readFileMetaInformation,
  serveDimse,
  Status,
  store,
  TransferSyntaxUid,
  writeDataSet,
  type Association,
} from '@pacs/dicom';

const TARGET_ITEMS = 100_000;
const CONCURRENCY = 24;
const ITEMS_PER_CONNECTION = 40;
const LINGER_MS = 600;
/** Only a hung association gets this long: data-only connections end with A-RELEASE-RP. */
const DATA_LINGER_MS = 20_000;
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);

/** mulberry32: small, seedable, good enough to pick mutations. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = prng(SEED);
const int = (n: number): number => Math.floor(random() * n);
const pick = <T>(list: readonly T[]): T => list[int(list.length)]!;

const INTERESTING = [0, 1, 2, 0x7f, 0x80, 0xff, 0xfffe, 0xffff, 0x10000, 0x7fffffff, 0xfffffffe, 0xffffffff];

/** One mutation of a copy of `input`; `corpus` feeds splices. */
function mutate(input: Buffer, corpus: readonly Buffer[]): Buffer {
  const b = Buffer.from(input);
  switch (int(5)) {
    case 0: {
      for (let i = 0, n = 1 + int(8); i < n && b.length > 0; i++) b[int(b.length)]! ^= 1 << int(8);
      return b;
    }
    case 1:
      return b.subarray(0, int(b.length));
    case 2: {
      if (b.length < 4) return b;
      const at = int(b.length - 3);
      const value = pick(INTERESTING) + (random() < 0.3 ? int(3) - 1 : 0);
      if (random() < 0.5) b.writeUInt16LE(value & 0xffff, at);
      else b.writeUInt32BE(value >>> 0, at);
      return b;
    }
    case 3: {
      const other = pick(corpus);
      const from = int(other.length);
      const piece = other.subarray(from, from + 1 + int(Math.min(256, other.length - from)));
      const at = int(b.length + 1);
      return Buffer.concat([b.subarray(0, at), piece, b.subarray(random() < 0.5 ? at : Math.min(b.length, at + piece.length))]);
    }
    default: {
      const at = int(b.length + 1);
      return Buffer.concat([b.subarray(0, at), b.subarray(int(b.length)), b.subarray(at)]);
    }
  }
}

// ---- corpus -------------------------------------------------------------------------------

const PDU_DIR = join(ROOT, 'test/fixtures/pdu');
const DATASET_DIR = join(ROOT, 'test/fixtures/datasets');
const pdus = readdirSync(PDU_DIR).filter((f) => f.endsWith('.bin')).map((f) => readFileSync(join(PDU_DIR, f)));
const dataSets = readdirSync(DATASET_DIR)
  .filter((f) => f.endsWith('.dcm'))
  .map((f) => {
    const bytes = readFileSync(join(DATASET_DIR, f));
    const { meta, dataSetOffset } = readFileMetaInformation(bytes);
    return { transferSyntaxUid: meta.transferSyntaxUid, bytes: bytes.subarray(dataSetOffset) };
  });
const SC = '1.2.840.10008.5.1.4.1.1.7';
const EXPLICIT = TransferSyntaxUid.ExplicitVRLittleEndian;
// Our own request: context ids follow the proposal order.
const proposal = [
  { abstractSyntax: '1.2.840.10008.1.1', transferSyntaxes: [TransferSyntaxUid.ImplicitVRLittleEndian] },
  ...dataSets.map((d) => ({ abstractSyntax: SC, transferSyntaxes: [d.transferSyntaxUid] })),
  { abstractSyntax: QueryRetrieveModel.StudyRootFind, transferSyntaxes: [EXPLICIT] },
  { abstractSyntax: QueryRetrieveModel.StudyRootMove, transferSyntaxes: [EXPLICIT] },
];
const contextIds = proposal.map((_, i) => 2 * i + 1);
const FIND_CONTEXT = contextIds[proposal.length - 2]!;
const MOVE_CONTEXT = contextIds[proposal.length - 1]!;
const identifier = writeDataSet(new DataSet().setStrings(0x00080052, 'STUDY').setStrings(0x00100020, 'PID*').setStrings(0x0020000d, ''), EXPLICIT);
const commands = [
  encodeCommandSet(cEchoRq({ messageId: 1 })),
  encodeCommandSet(cStoreRq({ messageId: 2, affectedSopClassUid: SC, affectedSopInstanceUid: '1.2.826.0.1.3680043.10.543.1.1' })),
  encodeCommandSet(cFindRq({ messageId: 3, affectedSopClassUid: QueryRetrieveModel.StudyRootFind })),
  encodeCommandSet(cMoveRq({ messageId: 4, affectedSopClassUid: QueryRetrieveModel.StudyRootMove, moveDestination: 'NOWHERE' })),
];
const contentCorpus = [...commands, identifier, ...dataSets.map((d) => d.bytes)];
const RELEASE_RQ = Buffer.from([0x05, 0, 0, 0, 0, 4, 0, 0, 0, 0]);

const pdv = (contextId: number, isCommand: boolean, data: Buffer): Buffer => Buffer.concat([pDataTfHeader(contextId, isCommand, true, data.length), data]);

/**
 * A valid DIMSE message whose data set is mutated (framing and command set intact), or in
 * "mixed" mode now and then its command set instead.
 */
function mutatedMessage(mixed: boolean): Buffer[] {
  const which = int(4);
  // A broken command set ends the association (A-ABORT); a broken data set must not.
  const mutateCommand = mixed && random() < 0.08;
  const mutateData = !mutateCommand || random() < 0.3;
  if (which === 0) return [pdv(contextIds[0]!, true, mutateCommand ? mutate(commands[0]!, contentCorpus) : commands[0]!)];
  if (which === 1) {
    const i = int(dataSets.length);
    const cmd = mutateCommand ? mutate(commands[1]!, contentCorpus) : commands[1]!;
    const data = mutateData ? mutate(dataSets[i]!.bytes, contentCorpus) : dataSets[i]!.bytes;
    return [pdv(contextIds[i + 1]!, true, cmd), pdv(contextIds[i + 1]!, false, data)];
  }
  const [ctx, cmd] = which === 2 ? [FIND_CONTEXT, commands[2]!] : [MOVE_CONTEXT, commands[3]!];
  return [pdv(ctx, true, mutateCommand ? mutate(cmd, contentCorpus) : cmd), pdv(ctx, false, mutateData ? mutate(identifier, contentCorpus) : identifier)];
}

// ---- the SCP under test -------------------------------------------------------------------

const failures: unknown[] = [];
const onUnhandled = (err: unknown): void => void failures.push(err);
const leakWarnings: Error[] = [];
const onWarning = (warning: Error): void => {
  if (warning.name === 'MaxListenersExceededWarning') leakWarnings.push(warning);
};
let server: DicomServer;
let port: number;
const outcomes = new Map<string, number>();
let created = 0;
let closed = 0;
const causes = new Map<string, number>();
const count = (outcome: string): void => void outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);

before(async () => {
  process.on('unhandledRejection', onUnhandled);
  process.on('uncaughtException', onUnhandled);
  process.on('warning', onWarning);
  server = new DicomServer({
    host: '127.0.0.1',
    port: 0,
    maxPduLength: 64 * 1024,
    maxAssociations: 200,
    artimTimeoutMs: 1_000,
    idleTimeoutMs: 3_000,
    policy: defaultAcceptancePolicy({ aeTitle: 'FUZZ', acceptUnknownCallingAe: true, maxPduLength: 64 * 1024 }),
  });
  server.on('association', (a: Association) => {
    created++;
    let outcome = 'transport-closed';
    a.once('released', () => (outcome = 'released'));
    a.once('aborted', (info) => {
      outcome = `aborted-${info.initiator}`;
      const cause = (info.cause ?? '').replace(/[0-9]+/g, 'N').slice(0, 60);
      causes.set(cause, (causes.get(cause) ?? 0) + 1);
    });
    a.once('rejected', () => (outcome = 'rejected'));
    a.once('close', () => {
      closed++;
      count(outcome);
    });
    serveDimse(a, {
      store: async ({ dataSet, transferSyntaxUid }) => {
        const collector = new HeaderCollector(transferSyntaxUid, { maxHeaderBytes: 64 * 1024 });
        for await (const chunk of dataSet) collector.push(chunk as Buffer);
        collector.end();
        return { status: Status.Success };
      },
      find: async function* () {
        yield new DataSet().setStrings(0x00080052, 'STUDY').setStrings(0x00100020, 'PID-0001');
      },
      move: async function* ({ moveDestination }) {
        yield* [];
        throw new DimseStatusError(Status.MoveDestinationUnknown, 'C-MOVE', moveDestination);
      },
    });
  });
  ({ port } = await server.listen());
});

after(async () => {
  await server.close(500);
  process.off('unhandledRejection', onUnhandled);
  process.off('uncaughtException', onUnhandled);
  process.off('warning', onWarning);
});

type Ending = 'A-ASSOCIATE-RJ' | 'A-RELEASE-RP' | 'A-ABORT' | 'closed' | 'timeout';
const ENDING_NAMES: Record<number, Ending> = { 0x03: 'A-ASSOCIATE-RJ', 0x06: 'A-RELEASE-RP', 0x07: 'A-ABORT' };

/** Sends the PDUs of one connection, asks for release, hangs up on RJ/RP/ABORT or after `lingerMs`. */
function runConnection(pdusToSend: Buffer[], lingerMs: number): Promise<Ending> {
  return new Promise((resolve) => {
    const socket = netConnect({ host: '127.0.0.1', port, noDelay: true });
    let done = false;
    const finish = (ending: Ending): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(ending);
    };
    const timer = setTimeout(() => finish('timeout'), lingerMs);
    socket.on('error', () => finish('closed'));
    socket.on('close', () => finish('closed'));
    let pending = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 6) {
        const ending = ENDING_NAMES[pending[0]!];
        if (ending) return finish(ending);
        const length = 6 + pending.readUInt32BE(2);
        if (pending.length < length) break;
        pending = pending.subarray(length);
      }
    });
    socket.once('connect', () => {
      for (const p of pdusToSend) socket.write(p);
      socket.write(RELEASE_RQ);
    });
  });
}

const associateRq = encodePdu(buildAssociateRq({ host: '', port: 0, callingAeTitle: 'FUZZER', calledAeTitle: 'FUZZ', presentationContexts: proposal }));

type Mode = 'pdu' | 'mixed' | 'data';

/**
 * pdu: mutated PDUs, with or without a valid association first; mixed: an association with
 * mutated messages, command sets now and then, and a few mutated PDUs; data: only data sets
 * and identifiers mutated, which must be answered with DIMSE statuses and end in a release.
 */
function nextConnection(): { mode: Mode; pdus: Buffer[]; items: number } {
  const mode = pick<Mode>(['pdu', 'mixed', 'data']);
  if (mode === 'pdu') {
    const out: Buffer[] = random() < 0.5 ? [associateRq] : [];
    for (let i = 0; i < ITEMS_PER_CONNECTION / 4; i++) out.push(mutate(pick(pdus), pdus));
    return { mode, pdus: out, items: ITEMS_PER_CONNECTION / 4 };
  }
  const out: Buffer[] = [associateRq];
  for (let i = 0; i < ITEMS_PER_CONNECTION; i++) {
    if (mode === 'mixed' && random() < 0.03) out.push(mutate(pick(pdus), pdus));
    else out.push(...mutatedMessage(mode === 'mixed'));
  }
  return { mode, pdus: out, items: ITEMS_PER_CONNECTION };
}

test(`fuzz: ≥${TARGET_ITEMS} mutated PDUs, command sets and data sets; the SCP survives and stays usable (seed ${SEED})`, { timeout: 170_000 }, async () => {
  let items = 0;
  let connections = 0;
  const dataModeEndings = new Map<Ending, number>();
  const worker = async (): Promise<void> => {
    while (items < TARGET_ITEMS) {
      const next = nextConnection();
      items += next.items;
      connections++;
      const ending = await runConnection(next.pdus, next.mode === 'data' ? DATA_LINGER_MS : LINGER_MS);
      if (next.mode === 'data') dataModeEndings.set(ending, (dataModeEndings.get(ending) ?? 0) + 1);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));

  // Every association ends: the server's count drains to zero and each one emitted 'close'.
  for (let i = 0; i < 200 && (server.activeAssociations > 0 || closed < created); i++) await new Promise((r) => setTimeout(r, 25));
  console.log(`seed ${SEED}: ${items} items over ${connections} connections; outcomes ${JSON.stringify(Object.fromEntries(outcomes))}`);
  console.log(`abort causes: ${JSON.stringify([...causes].sort((x, y) => y[1] - x[1]).slice(0, 8))}`);
  console.log(`data-only connections ended with ${JSON.stringify(Object.fromEntries(dataModeEndings))}`);
  assert.ok(items >= TARGET_ITEMS);
  assert.deepEqual([...dataModeEndings.keys()], ['A-RELEASE-RP'], 'malformed data sets must get DIMSE statuses, the association kept');
  assert.deepEqual(failures, [], 'unhandled rejections or uncaught exceptions');
  assert.equal(server.activeAssociations, 0);
  assert.equal(closed, created, 'associations that never closed');
  assert.ok((outcomes.get('released') ?? 0) > 0 && [...outcomes.keys()].some((k) => k.startsWith('aborted')), 'both clean and aborted endings expected');
  assert.equal(server.listenerCount('association'), 1);
  assert.deepEqual(leakWarnings, [], 'an EventEmitter gained listeners without bound');

  // A valid association afterwards: echo and a byte-exact store still work.
  const file = await openPart10File(join(DATASET_DIR, 'explicit-le-defined-lengths.dcm'));
  const a = await connect({ host: '127.0.0.1', port, callingAeTitle: 'AFTER', calledAeTitle: 'FUZZ', presentationContexts: [...proposeQuery(['1.2.840.10008.1.1']), ...proposeStorage([file])] });
  assert.equal((await echo(a)).status, Status.Success);
  assert.equal((await store(a, { ...file, dataSet: file.openDataSet() })).status, Status.Success);
  await a.release();
});
