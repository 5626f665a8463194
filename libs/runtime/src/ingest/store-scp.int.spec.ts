import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { DataSet, readDataSet, readFileMetaInformation, writeDataSet } from '@pacs/dicom';
import { DEFAULT_KEY_TEMPLATE, ingestTopology, decodeInstanceReceived } from '@pacs/domain';
import { InProcessBus, type Bus } from '@pacs/messaging';
import { FilesystemObjectStore } from '@pacs/storage';
import { ROOT } from '@pacs/testing';
import { pino } from 'pino';
import { StoreScp, type IncomingStore } from './store-scp';

/** What the SCU sees of an outcome (the stored object's key and digest are for the caller only). */
const answer = (outcome: { stored?: unknown }): object => Object.fromEntries(Object.entries(outcome).filter(([k]) => k !== 'stored'));

// The C-STORE path against a real filesystem store and the in-process bus: what is
// acknowledged is stored and announced; what is refused leaves nothing behind.
const fixture = readFileMetaInformation(readFileSync(join(ROOT, 'test/fixtures/datasets/explicit-le-undefined-lengths.dcm')));
const file = readFileSync(join(ROOT, 'test/fixtures/datasets/explicit-le-undefined-lengths.dcm'));
const dataSetBytes = file.subarray(fixture.dataSetOffset);
const sopInstanceUid = fixture.meta.mediaStorageSopInstanceUid as string;
const sopClassUid = fixture.meta.mediaStorageSopClassUid as string;
const ts = fixture.meta.transferSyntaxUid as string;

function request(bytes: Buffer, overrides: Partial<IncomingStore> = {}, chunk = 97): IncomingStore {
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += chunk) chunks.push(bytes.subarray(i, i + chunk));
  return {
    assocId: 'a1', callingAe: 'MODALITY', calledAe: 'PACS', peer: '127.0.0.1:40000',
    sopClassUid, sopInstanceUid, transferSyntaxUid: ts, dataSet: Readable.from(chunks), ...overrides,
  };
}

describe('C-STORE SCP: durable twice, or nothing', () => {
  let dir: string;
  let store: FilesystemObjectStore;
  let bus: Bus;
  const published: Uint8Array[] = [];
  const make = (overrides: Partial<ConstructorParameters<typeof StoreScp>[2]> = {}, b: Bus = bus) =>
    new StoreScp(store, b, { subject: ingestTopology('T').receivedSubject, keyTemplate: DEFAULT_KEY_TEMPLATE, headerCapBytes: 64 * 1024, storageFailureStatus: 0x0110, tier: 'primary', ...overrides }, pino({ level: 'silent' }));
  const keys = async () => {
    const all: string[] = [];
    for await (const o of store.list('')) all.push(o.key);
    return all;
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pacs-store-scp-'));
    store = new FilesystemObjectStore({ root: dir });
    bus = new InProcessBus();
    await bus.ensureStream({ name: 'T_INGEST', subjects: ingestTopology('T').subjects, duplicateWindowMs: 60_000 });
    await bus.consume({ stream: 'T_INGEST', durable: 'test', maxAckPending: 10, ackWaitMs: 30_000, maxDeliver: 1 }, async (m) => void published.push(m.data));
  });
  after(async () => {
    await bus.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('success: the Part 10 object holds exactly the bytes sent, and the event carries key, digest and header', async () => {
    const outcome = await make().handle(request(dataSetBytes));
    assert.deepEqual(answer(outcome), { status: 0x0000 });
    assert.ok(outcome.stored?.key && outcome.stored.size > 0 && /^[0-9a-f]{64}$/.test(outcome.stored.digest), 'the stored object is named in the outcome');
    const [key] = await keys();
    assert.ok(key?.includes(`/${sopInstanceUid}.`), key);
    const stored = Buffer.concat(await (await store.get(key as string)).toArray());
    const meta = readFileMetaInformation(stored);
    assert.equal(meta.meta.transferSyntaxUid, ts);
    assert.equal(meta.meta.sourceApplicationEntityTitle, 'MODALITY');
    assert.ok(stored.subarray(meta.dataSetOffset).equals(dataSetBytes), 'data set part is byte-identical');

    await waitFor(() => published.length === 1);
    const event = decodeInstanceReceived(published[0] as Uint8Array);
    assert.equal(event.storageKey, key);
    assert.equal(event.size, stored.length);
    assert.equal(event.digest, createHash('sha256').update(stored).digest('hex'), 'the digest of the stored bytes (kept by the index, not the store)');
    const header = readDataSet(Buffer.from(event.header as string, 'base64'), ts);
    assert.equal(header.getUid(0x00080018), sopInstanceUid);
    assert.equal(header.get(0x7fe00010), undefined, 'the header stops before Pixel Data');
  });

  test('refusals answer with the standard status and store nothing', async () => {
    const before = (await keys()).length;
    const ds = readDataSet(dataSetBytes, ts);
    const withUid = (tag: number, uid: string): Buffer => {
      const copy: DataSet = readDataSet(dataSetBytes, ts);
      copy.setStrings(tag, [uid], 'UI');
      return writeDataSet(copy, ts);
    };
    assert.ok(ds.getUid(0x0020000d));
    const cases: [string, IncomingStore, number, RegExp][] = [
      ['UID mismatch between command and data set', request(dataSetBytes, { sopInstanceUid: '1.2.3.4' }), 0xc000, /differs from the command/],
      ['SOP class mismatch', request(dataSetBytes, { sopClassUid: '1.2.840.10008.5.1.4.1.1.4' }), 0xa900, /SOP Class UID/],
      ['invalid UID characters in the command', request(dataSetBytes, { sopInstanceUid: '1.2.x/../3' }), 0xc000, /not a valid UID/],
      ['invalid Study Instance UID in the data set', request(withUid(0x0020000d, '1.2.03')), 0xc000, /StudyInstanceUID is not a valid UID/],
      ['truncated data set', request(dataSetBytes.subarray(0, 300)), 0xc000, /cannot be parsed/],
      ['archive busy', request(dataSetBytes), 0xa700, /busy/],
    ];
    for (const [name, req, status, comment] of cases) {
      const scp = name === 'archive busy' ? make({ backPressure: () => 'indexer lag 200000 > 100000' }) : make();
      const outcome = await scp.handle(req);
      assert.equal(outcome.status, status, name);
      assert.match(outcome.errorComment ?? '', comment, name);
      assert.equal(req.dataSet.readableEnded, true, `${name}: the request data was drained`);
    }
    assert.equal((await keys()).length, before, 'nothing stored');
  });

  test('bus refused the event (no stream): failure status, and the written object is removed', async () => {
    const before = (await keys()).length;
    const noStream = new InProcessBus();
    const outcome = await make({}, noStream).handle(request(dataSetBytes));
    await noStream.close();
    assert.equal(outcome.status, 0x0110);
    assert.equal((await keys()).length, before);
  });

  test('bus outcome unknown (connection gone): failure status, the object stays for the index or the reconciler', async () => {
    const before = (await keys()).length;
    const closed = new InProcessBus();
    await closed.close();
    const outcome = await make({}, closed).handle(request(dataSetBytes));
    assert.equal(outcome.status, 0x0110);
    assert.equal((await keys()).length, before + 1);
  });
});

async function waitFor(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(cond(), 'condition not reached');
}
