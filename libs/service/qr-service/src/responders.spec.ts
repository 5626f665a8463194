import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DataSet, QueryRetrieveModel } from '@pacs/dicom';
import {
  TooManyMatchesError, decodeFindReply, decodeRetrieveReply, encodeQrRequest,
  type FindQuery, type QueryMatch, type RetrieveInstance, type RetrieveQuery,
} from '@pacs/domain';
import { InProcessBus } from '@pacs/messaging';
import type { QueryRepository } from '@pacs/persistence';
import { createLogger } from '@pacs/platform';
import { findReplies } from './find-responder';
import type { QrReport } from './report';
import { retrieveReplies } from './retrieve-responder';

const log = createLogger({ level: 'silent' }, 'test');

/** A repository answering from memory, recording what it was asked and whether it was stopped. */
class MemoryRepository implements QueryRepository {
  queries: FindQuery[] = [];
  aborted = false;
  constructor(private readonly matches: QueryMatch[], private readonly failWith?: Error, private readonly endless = false) {}
  async *find(query: FindQuery, signal?: AbortSignal): AsyncGenerator<QueryMatch> {
    this.queries.push(query);
    signal?.addEventListener('abort', () => (this.aborted = true));
    if (this.failWith) throw this.failWith;
    for (let i = 0; this.endless || i < this.matches.length; i++) {
      if (signal?.aborted) return;
      await new Promise((r) => setImmediate(r));
      yield this.matches[i % this.matches.length] as QueryMatch;
    }
  }
  async *resolveInstances(query: RetrieveQuery): AsyncGenerator<RetrieveInstance[]> {
    const uid = query.studyInstanceUids?.[0] ?? '';
    yield [{ sopInstanceUid: `${uid}.1`, sopClassUid: '1.2.840.10008.5.1.4.1.1.2', transferSyntaxUid: '1.2.840.10008.1.2.1', tier: 'primary', storageKey: 'a', size: 1 }];
    yield [{ sopInstanceUid: `${uid}.2`, sopClassUid: '1.2.840.10008.5.1.4.1.1.2', transferSyntaxUid: '1.2.840.10008.1.2.1', tier: null, storageKey: null, size: 1 }];
  }
}

const study = (uid: string, name: string): QueryMatch => ({
  attributes: { patient: { '00100010': { vr: 'PN', Value: [{ Alphabetic: name }] } }, study: { '0020000D': { vr: 'UI', Value: [uid] } } },
  computed: {},
});

const identifier = (keys: Record<number, string>): DataSet => {
  const ds = new DataSet();
  for (const [tag, value] of Object.entries(keys)) ds.setStrings(Number(tag), value);
  return ds;
};

async function ask(repository: QueryRepository, keys: Record<number, string>, operation: 'find' | 'retrieve' = 'find') {
  const bus = new InProcessBus();
  const report: QrReport = { results: 0 };
  await bus.serve('pacs.qr.test', 'qr-service', (req) => (operation === 'find' ? findReplies(req, repository, { caseInsensitivePn: true }, log, report) : retrieveReplies(req, repository, log, report)));
  const sopClassUid = operation === 'find' ? QueryRetrieveModel.StudyRootFind : QueryRetrieveModel.StudyRootMove;
  const replies: Uint8Array[] = [];
  try {
    for await (const r of bus.requestStream('pacs.qr.test', encodeQrRequest({ sopClassUid, callingAeTitle: 'SCU', calledAeTitle: 'ARCHIVE', identifier: identifier(keys) }), { timeoutMs: 5000 })) {
      replies.push(r);
    }
  } finally {
    await bus.close();
  }
  return { replies, report };
}

describe('qr-service find responder', () => {
  test('one reply per match with the response identifier, then 0x0000', async () => {
    const repo = new MemoryRepository([study('1.2.1', 'Doe^Jane'), study('1.2.2', 'Roe^Rick')]);
    const { replies, report } = await ask(repo, { 0x00080052: 'STUDY', 0x00100010: 'd*', 0x0020000d: '' });
    const decoded = replies.map(decodeFindReply);
    assert.deepEqual(decoded.map((d) => d.kind), ['match', 'match', 'final']);
    const first = decoded[0];
    assert.ok(first?.kind === 'match');
    assert.equal(first.status, 0xff00);
    assert.equal(first.identifier.getString(0x00100010), 'Doe^Jane');
    assert.equal(first.identifier.getString(0x00080054), 'ARCHIVE', 'Retrieve AE Title is the AE the SCU called');
    assert.deepEqual(decoded[2], { kind: 'final', status: 0 });
    assert.equal(repo.queries[0]?.conditions[0]?.matcher.type, 'wildcard');
    assert.deepEqual(report, { results: 2, level: 'STUDY', status: 0 });
  });

  test('a key the level cannot match: every pending reply is 0xFF01', async () => {
    const { replies } = await ask(new MemoryRepository([study('1.2.1', 'A')]), { 0x00080052: 'STUDY', 0x00080060: 'CT' });
    assert.equal((decodeFindReply(replies[0] as Uint8Array) as { status: number }).status, 0xff01);
  });

  test('an identifier without Query/Retrieve Level: only the final 0xA900 with its comment', async () => {
    const repo = new MemoryRepository([study('1.2.1', 'A')]);
    const { replies } = await ask(repo, { 0x00100010: 'A' });
    assert.deepEqual(replies.map(decodeFindReply), [{ kind: 'final', status: 0xa900, errorComment: 'Query/Retrieve Level missing', offendingElements: [0x00080052] }]);
    assert.equal(repo.queries.length, 0);
  });

  test('too many matches: 0xA700 "refine the query", no match sent', async () => {
    const { replies } = await ask(new MemoryRepository([], new TooManyMatchesError(10)), { 0x00080052: 'STUDY' });
    assert.deepEqual(replies.map(decodeFindReply), [{ kind: 'final', status: 0xa700, errorComment: 'more than 10 matches; refine the query' }]);
  });

  test('the index failing: 0xC000, no SQL in the comment', async () => {
    const { replies } = await ask(new MemoryRepository([], new Error('relation "study" does not exist')), { 0x00080052: 'STUDY' });
    const [final] = replies.map(decodeFindReply);
    assert.equal(final?.kind === 'final' && final.status, 0xc000);
    assert.doesNotMatch(JSON.stringify(final), /relation/);
  });

  test('the requester gives up (C-CANCEL): the repository sees its signal abort and stops', async () => {
    const repo = new MemoryRepository([study('1.2.1', 'A')], undefined, true);
    const bus = new InProcessBus();
    await bus.serve('pacs.qr.test', 'qr-service', (req) => findReplies(req, repo, { caseInsensitivePn: true }, log, { results: 0 }));
    const controller = new AbortController();
    const request = encodeQrRequest({ sopClassUid: QueryRetrieveModel.StudyRootFind, callingAeTitle: 'SCU', calledAeTitle: 'ARCHIVE', identifier: identifier({ 0x00080052: 'STUDY' }) });
    const kinds: string[] = [];
    await assert.rejects(async () => {
      for await (const reply of bus.requestStream('pacs.qr.test', request, { timeoutMs: 5000, signal: controller.signal })) {
        kinds.push(decodeFindReply(reply).kind);
        if (kinds.length === 3) controller.abort();
      }
    }, { name: 'BusAbortedError' });
    assert.deepEqual(kinds, ['match', 'match', 'match']);
    for (let i = 0; i < 100 && !repo.aborted; i++) await new Promise((r) => setTimeout(r, 5));
    assert.equal(repo.aborted, true);
    await bus.close();
  });
});

describe('qr-service retrieve responder', () => {
  test('instance lists as the index yields them, then 0x0000', async () => {
    const { replies, report } = await ask(new MemoryRepository([]), { 0x00080052: 'STUDY', 0x0020000d: '1.2.9' }, 'retrieve');
    const decoded = replies.map(decodeRetrieveReply);
    assert.deepEqual(decoded.map((d) => (d.kind === 'instances' ? d.instances.map((i) => i.sopInstanceUid) : d.status)), [['1.2.9.1'], ['1.2.9.2'], 0]);
    assert.equal(report.results, 2);
  });

  test('a retrieve without its unique key: 0xA900', async () => {
    const { replies } = await ask(new MemoryRepository([]), { 0x00080052: 'SERIES', 0x0020000d: '1.2.9' }, 'retrieve');
    assert.equal((decodeRetrieveReply(replies[0] as Uint8Array) as { status: number }).status, 0xa900);
  });
});

describe('an unreadable request', () => {
  test('not JSON: the final 0xC000, nothing run', async () => {
    const bus = new InProcessBus();
    const repo = new MemoryRepository([study('1.2.1', 'A')]);
    await bus.serve('pacs.qr.test', 'qr-service', (req) => findReplies(req, repo, { caseInsensitivePn: true }, log, { results: 0 }));
    const replies: Uint8Array[] = [];
    for await (const r of bus.requestStream('pacs.qr.test', Buffer.from('{"v":2}'), { timeoutMs: 5000 })) replies.push(r);
    await bus.close();
    assert.deepEqual(replies.map(decodeFindReply), [{ kind: 'final', status: 0xc000, errorComment: 'unreadable Q/R request' }]);
    assert.equal(repo.queries.length, 0);
  });
});
