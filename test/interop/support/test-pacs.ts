// A small PACS for interop tests, built only from @pacs/dicom: serveDimse with a store handler
// that writes Part 10 files (file meta + the received bytes, streamed) into a temp directory,
// a tiny in-memory index of what was stored, and find/move/get handlers over that index.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import {
  connect,
  DataSet,
  defaultAcceptancePolicy,
  DicomServer,
  DimseStatusError,
  HeaderCollector,
  isValidUid,
  openPart10File,
  proposeStorage,
  serveDimse,
  Status,
  store,
  tagForKeyword,
  writePart10File,
  type AcceptedAbstractSyntax,
  type Association,
  type DimseHandlers,
  type RetrieveGenerator,
  type RetrieveResult,
} from '@pacs/dicom';

export interface StoredInstance {
  path: string;
  sopClassUid: string;
  sopInstanceUid: string;
  transferSyntaxUid: string;
  callingAeTitle: string;
  /** Top-level elements before pixel data. */
  header: DataSet;
}

export interface TestPacsOptions {
  aeTitle?: string;
  /** AE title → address, for C-MOVE destinations. */
  moveDestinations?: Record<string, { host: string; port: number }>;
  abstractSyntaxes?: readonly AcceptedAbstractSyntax[];
  maxOperations?: number;
  /** Largest P-DATA-TF accepted and announced (default 16 MiB). */
  maxPduLength?: number;
  /** Replaces or adds handlers (e.g. an endless C-FIND for cancel tests). */
  handlers?: Partial<DimseHandlers>;
}

export interface TestPacs {
  server: DicomServer;
  port: number;
  aeTitle: string;
  dir: string;
  /** Every stored object in arrival order (a re-sent SOP Instance UID gets a new file). */
  stored: StoredInstance[];
  /** Association outcomes in order: "accepted", "rejected r/s/n", "released", "aborted …". */
  log: string[];
  handlerErrors: unknown[];
  associations: Association[];
  close(): Promise<void>;
}

const tag = (keyword: string): number => {
  const t = tagForKeyword(keyword);
  if (t === undefined) throw new Error(`no tag for ${keyword}`);
  return t;
};

const LEVEL_KEYS: Record<string, string[]> = {
  PATIENT: ['PatientID'],
  STUDY: ['StudyInstanceUID'],
  SERIES: ['SeriesInstanceUID'],
  IMAGE: ['SOPInstanceUID'],
};

/** PS3.4 C.2.2.2: single value, wildcard (* ?), UID list; empty means "return only". */
function matches(value: string | undefined, key: string): boolean {
  if (key === '' || key === '*') return true;
  if (value === undefined) return false;
  if (key.includes('\\')) return key.split('\\').includes(value);
  if (!/[*?]/.test(key)) return value === key;
  const re = new RegExp(`^${key.replace(/[.+^${}()|[\]]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  return re.test(value);
}

function selectInstances(stored: StoredInstance[], identifier: DataSet): StoredInstance[] {
  const latest = new Map<string, StoredInstance>();
  for (const s of stored) latest.set(s.sopInstanceUid, s);
  const keys = [...identifier.tags()].filter((t) => t !== tag('QueryRetrieveLevel') && t !== tag('SpecificCharacterSet'));
  return [...latest.values()].filter((s) => keys.every((t) => matches(s.header.getString(t), identifier.getString(t) ?? '')));
}

function storeHandler(dir: string, stored: StoredInstance[]): NonNullable<DimseHandlers['store']> {
  return async (request) => {
    // An early refusal: the dispatcher still drains the data set before it answers.
    if (!isValidUid(request.sopInstanceUid)) throw new DimseStatusError(Status.UnableToProcess, 'C-STORE', 'invalid SOP Instance UID');
    const collector = new HeaderCollector(request.transferSyntaxUid);
    const tee = new Transform({
      transform(chunk: Buffer, _enc, done) {
        collector.push(chunk);
        done(null, chunk);
      },
      flush(done) {
        try {
          collector.end();
          done();
        } catch (err) {
          done(err as Error);
        }
      },
    });
    request.dataSet.once('error', (err) => tee.destroy(err));
    const path = join(dir, `${request.sopInstanceUid}-${stored.length}-${Math.random().toString(36).slice(2, 8)}.dcm`);
    await writePart10File(
      path,
      { mediaStorageSopClassUid: request.sopClassUid, mediaStorageSopInstanceUid: request.sopInstanceUid, transferSyntaxUid: request.transferSyntaxUid },
      request.dataSet.pipe(tee),
    );
    stored.push({
      path,
      sopClassUid: request.sopClassUid,
      sopInstanceUid: request.sopInstanceUid,
      transferSyntaxUid: request.transferSyntaxUid,
      callingAeTitle: request.association.callingAeTitle,
      header: collector.result!.dataSet,
    });
    return { status: Status.Success };
  };
}

function findHandler(stored: StoredInstance[]): NonNullable<DimseHandlers['find']> {
  return async function* (request) {
    const level = request.identifier.getString(tag('QueryRetrieveLevel')) ?? 'STUDY';
    const levelKey = tag(LEVEL_KEYS[level]?.[0] ?? 'StudyInstanceUID');
    const seen = new Set<string>();
    for (const instance of selectInstances(stored, request.identifier)) {
      const id = instance.header.getString(levelKey) ?? '';
      if (seen.has(id)) continue;
      seen.add(id);
      const match = new DataSet();
      const charset = instance.header.getString(tag('SpecificCharacterSet'));
      // Set first: the values below are encoded in the character set of their data set.
      if (charset) match.setStrings(tag('SpecificCharacterSet'), charset.split('\\'));
      for (const t of request.identifier.tags()) {
        if (t === tag('SpecificCharacterSet')) continue;
        const value = t === tag('QueryRetrieveLevel') ? level : instance.header.getString(t);
        match.setStrings(t, value ?? '');
      }
      yield match;
    }
  };
}

function retrieveResult(completed: number, failed: number, failedUids: string[]): RetrieveResult {
  return { completed, failed, warning: 0, failedSopInstanceUids: failedUids };
}

function moveHandler(stored: StoredInstance[], destinations: TestPacsOptions['moveDestinations'], aeTitle: string): NonNullable<DimseHandlers['move']> {
  return async function* (request): RetrieveGenerator {
    const target = destinations?.[request.moveDestination];
    if (!target) throw new DimseStatusError(Status.MoveDestinationUnknown, 'C-MOVE', request.moveDestination);
    const instances = selectInstances(stored, request.identifier);
    const files = await Promise.all(instances.map((i) => openPart10File(i.path)));
    const sub = await connect({
      host: target.host,
      port: target.port,
      callingAeTitle: aeTitle,
      calledAeTitle: request.moveDestination,
      presentationContexts: proposeStorage(files),
    });
    let completed = 0;
    const failedUids: string[] = [];
    try {
      for (const file of files) {
        if (request.signal.aborted) break;
        const rsp = await store(sub, {
          ...file,
          dataSet: file.openDataSet(),
          moveOriginator: { aeTitle: request.association.callingAeTitle, messageId: request.command.messageId },
        }).catch(() => undefined);
        if (rsp?.status === Status.Success) completed++;
        else failedUids.push(file.sopInstanceUid);
        yield { remaining: files.length - completed - failedUids.length, completed, failed: failedUids.length, warning: 0 };
      }
    } finally {
      await sub.release().catch(() => sub.abort());
    }
    return { ...retrieveResult(completed, failedUids.length, failedUids), remaining: files.length - completed - failedUids.length };
  };
}

function getHandler(stored: StoredInstance[]): NonNullable<DimseHandlers['get']> {
  return async function* (request): RetrieveGenerator {
    const instances = selectInstances(stored, request.identifier);
    let completed = 0;
    const failedUids: string[] = [];
    for (const instance of instances) {
      if (request.signal.aborted) break;
      const file = await openPart10File(instance.path);
      const status = await request.sendSubOperation(file.sopClassUid, file.sopInstanceUid, file.transferSyntaxUid, file.openDataSet());
      if (status === Status.Success) completed++;
      else failedUids.push(instance.sopInstanceUid);
      yield { remaining: instances.length - completed - failedUids.length, completed, failed: failedUids.length, warning: 0 };
    }
    return { ...retrieveResult(completed, failedUids.length, failedUids), remaining: instances.length - completed - failedUids.length };
  };
}

export async function startTestPacs(options: TestPacsOptions = {}): Promise<TestPacs> {
  const aeTitle = options.aeTitle ?? `PACS${Math.floor(Math.random() * 1e6)}`;
  const dir = mkdtempSync(join(tmpdir(), 'pacs-interop-'));
  const stored: StoredInstance[] = [];
  const log: string[] = [];
  const handlerErrors: unknown[] = [];
  const associations: Association[] = [];
  const server = new DicomServer({
    host: '127.0.0.1',
    port: 0,
    maxPduLength: options.maxPduLength,
    policy: defaultAcceptancePolicy({
      aeTitle,
      maxPduLength: options.maxPduLength,
      acceptUnknownCallingAe: true,
      abstractSyntaxes: options.abstractSyntaxes,
      maxOperationsPerformed: options.maxOperations,
      maxOperationsInvoked: options.maxOperations,
    }),
  });
  const handlers: DimseHandlers = {
    store: storeHandler(dir, stored),
    find: findHandler(stored),
    move: moveHandler(stored, options.moveDestinations, aeTitle),
    get: getHandler(stored),
    ...options.handlers,
  };
  server.on('association', (association) => {
    associations.push(association);
    association.on('accepted', () => log.push('accepted'));
    association.on('rejected', (rj) => log.push(`rejected ${rj.result}/${rj.source}/${rj.reason}`));
    association.on('released', () => log.push('released'));
    association.on('aborted', (info) => log.push(`aborted ${info.initiator} ${info.source}/${info.reason}`));
    serveDimse(association, handlers, { onHandlerError: (err) => handlerErrors.push(err) });
  });
  const { port } = await server.listen();
  return {
    server,
    port,
    aeTitle,
    dir,
    stored,
    log,
    handlerErrors,
    associations,
    async close() {
      await server.close(2000);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
