import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { inflateRawSync } from 'node:zlib';
import { readDataSet, readFileMetaInformation, readPart10Header, writeDataSet } from '@pacs/dicom';
import { DEFAULT_KEY_TEMPLATE, ingestTopology, compileImportRules, decodeInstanceReceived, remappedUid, type ImportRuleConfig, type InstanceReceived } from '@pacs/domain';
import { InProcessBus, type Bus } from '@pacs/messaging';
import { FilesystemObjectStore } from '@pacs/storage';
import { ROOT } from '@pacs/testing';
import { pino } from 'pino';
import { StoreScp, type IncomingStore } from './store-scp';

/** What the SCU sees of an outcome (the stored object's key and digest are for the caller only). */
const answer = (outcome: { stored?: unknown }): object => Object.fromEntries(Object.entries(outcome).filter(([k]) => k !== 'stored'));

// Import rules on the C-STORE path, against a real filesystem store and the in-process bus:
// what the rules make of the header is what is stored and announced; everything after the
// header is stored byte for byte; a reject stores nothing.
const SECRET = 'store-scp-import-rules-secret';
const EXPLICIT_LE = '1.2.840.10008.1.2.1';
const PIXEL_DATA = 0x7fe00010;

function fixture(name: string) {
  const file = readFileSync(join(ROOT, 'test/fixtures/datasets', name));
  const { meta, dataSetOffset } = readFileMetaInformation(file);
  return { dataSet: file.subarray(dataSetOffset), sopInstanceUid: meta.mediaStorageSopInstanceUid as string, sopClassUid: meta.mediaStorageSopClassUid as string, ts: meta.transferSyntaxUid as string };
}
const plain = fixture('explicit-le-undefined-lengths.dcm');
const deflated = fixture('deflated.dcm');

function request(f: ReturnType<typeof fixture>, overrides: Partial<IncomingStore> = {}, bytes: Buffer<ArrayBufferLike> = f.dataSet, chunk = 61): IncomingStore {
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += chunk) chunks.push(bytes.subarray(i, i + chunk));
  return {
    assocId: 'a1', callingAe: 'MODALITY', calledAe: 'PACS', peer: '127.0.0.1:40000',
    sopClassUid: f.sopClassUid, sopInstanceUid: f.sopInstanceUid, transferSyntaxUid: f.ts, dataSet: Readable.from(chunks), ...overrides,
  };
}

/** Offset of Pixel Data's tag in a data set: everything from there is "the rest". */
function pixelDataOffset(dataSet: Buffer<ArrayBufferLike>, bigEndian = false): number {
  const tag = Buffer.from(bigEndian ? [0x7f, 0xe0, 0x00, 0x10] : [0xe0, 0x7f, 0x10, 0x00]);
  const at = dataSet.lastIndexOf(tag);
  assert.ok(at > 0, 'fixture has Pixel Data');
  return at;
}

describe('C-STORE SCP with import rules', () => {
  let dir: string;
  let store: FilesystemObjectStore;
  let bus: Bus;
  const events: InstanceReceived[] = [];
  const make = (rules: ImportRuleConfig[], overrides: Partial<ConstructorParameters<typeof StoreScp>[2]> = {}) =>
    new StoreScp(store, bus, {
      subject: ingestTopology('T').receivedSubject,
      keyTemplate: DEFAULT_KEY_TEMPLATE, headerCapBytes: 64 * 1024, storageFailureStatus: 0x0110, tier: 'primary',
      importRules: compileImportRules(rules, { uidSecret: SECRET }), ...overrides,
    }, pino({ level: 'silent' }));
  const keys = async () => {
    const all: string[] = [];
    for await (const o of store.list('')) all.push(o.key);
    return all;
  };
  const lastEvent = async (count: number): Promise<InstanceReceived> => {
    for (let i = 0; i < 500 && events.length < count; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(events.length, count, 'events published');
    return events[count - 1] as InstanceReceived;
  };
  const storedBytes = async (key: string) => Buffer.concat(await (await store.get(key)).toArray());

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pacs-store-scp-rules-'));
    store = new FilesystemObjectStore({ root: dir });
    bus = new InProcessBus();
    await bus.ensureStream({ name: 'T_RULES', subjects: ingestTopology('T').subjects, duplicateWindowMs: 60_000 });
    await bus.consume({ stream: 'T_RULES', durable: 'test', maxAckPending: 10, ackWaitMs: 30_000, maxDeliver: 1 }, async (m) => void events.push(decodeInstanceReceived(m.data)));
  });
  after(async () => {
    await bus.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('reject by calling AE: the rule\'s status and comment, data drained, nothing stored or announced', async () => {
    const scp = make([{ name: 'no strangers', match: { callingAe: 'STRANGER*' }, actions: [{ action: 'reject', status: 0x0124, comment: 'not from you' }] }]);
    const req = request(plain, { callingAe: 'STRANGER1' });
    assert.deepEqual(await scp.handle(req), { status: 0x0124, errorComment: 'not from you' });
    assert.equal(req.dataSet.readableEnded, true);
    assert.deepEqual(await keys(), []);
    assert.deepEqual(answer(await scp.handle(request(plain, { callingAe: 'MODALITY' }))), { status: 0x0000 }, 'other callers pass');
    await lastEvent(1);
  });

  test('set InstitutionName: 0xB000 naming (0008,0080); stored and announced header has the new value; the rest is byte-identical', async () => {
    const before = new Set(await keys());
    const scp = make([{ match: { modality: '*' }, actions: [{ action: 'set', tag: 'InstitutionName', value: 'General Hospital' }] }]);
    const outcome = await scp.handle(request(plain));
    assert.equal(outcome.status, 0xb000);
    assert.deepEqual(outcome.offendingElements, [0x00080080]);
    assert.match(outcome.errorComment ?? '', /coerced by import rules: \(0008,0080\)/);
    const key = (await keys()).find((k) => !before.has(k)) as string;
    const stored = await storedBytes(key);
    const { meta, dataSetOffset } = readFileMetaInformation(stored);
    assert.equal(meta.transferSyntaxUid, plain.ts, 'same transfer syntax');
    const data = stored.subarray(dataSetOffset);
    assert.equal(readDataSet(data, plain.ts).getString(0x00080080), 'General Hospital');
    assert.ok(data.subarray(pixelDataOffset(data)).equals(plain.dataSet.subarray(pixelDataOffset(plain.dataSet))), 'Pixel Data onwards untouched');
    const original = readDataSet(plain.dataSet, plain.ts);
    original.setStrings(0x00080080, 'General Hospital');
    assert.deepEqual(readDataSet(data, plain.ts).getBytes(0x00100010), original.getBytes(0x00100010), 'other attributes as sent');

    const event = await lastEvent(2);
    assert.equal(event.storageKey, key);
    assert.equal(event.digest, createHash('sha256').update(stored).digest('hex'));
    assert.equal(event.size, stored.length);
    assert.equal(readDataSet(Buffer.from(event.header as string, 'base64'), plain.ts).getString(0x00080080), 'General Hospital');
  });

  for (const name of ['implicit-le.dcm', 'explicit-be.dcm', 'explicit-le-defined-lengths.dcm', 'odd-lengths.dcm']) {
    test(`${name}: the header is re-encoded in its own transfer syntax, the rest stored as sent`, async () => {
      const f = fixture(name);
      const bigEndian = f.ts === '1.2.840.10008.1.2.2';
      const count = events.length;
      const outcome = await make([{ actions: [{ action: 'set', tag: 'InstitutionName', value: 'Re-encoded' }, { action: 'delete', tag: 'StudyID' }] }]).handle(request(f));
      assert.equal(outcome.status, 0xb000);
      const event = await lastEvent(count + 1);
      const stored = await storedBytes(event.storageKey);
      const { meta, dataSetOffset } = readFileMetaInformation(stored);
      assert.equal(meta.transferSyntaxUid, f.ts);
      const data = stored.subarray(dataSetOffset);
      const ds = readDataSet(data, f.ts);
      assert.equal(ds.getString(0x00080080), 'Re-encoded');
      assert.equal(ds.has(0x00200010), false);
      const original = readDataSet(f.dataSet, f.ts);
      assert.deepEqual(ds.getItems(0x00400275)?.length, original.getItems(0x00400275)?.length, 'nested sequence kept');
      assert.ok(data.subarray(pixelDataOffset(data, bigEndian)).equals(f.dataSet.subarray(pixelDataOffset(f.dataSet, bigEndian))), 'Pixel Data onwards untouched');
    });
  }

  test('a silent rule changes the object and answers 0x0000; a rule that changes nothing stores the bytes as sent', async () => {
    const base = events.length;
    const silent = make([{ silent: true, actions: [{ action: 'set', tag: 'StationName', value: 'QUIET' }] }]);
    assert.deepEqual(answer(await silent.handle(request(plain))), { status: 0x0000 });
    assert.equal(readDataSet(Buffer.from((await lastEvent(base + 1)).header as string, 'base64'), plain.ts).getString(0x00081010), 'QUIET');

    const noop = make([{ actions: [{ action: 'delete', tag: 'AccessionNumber' }, { action: 'tier', tier: 'fast' }] }]);
    const withoutAccession = readDataSet(plain.dataSet, plain.ts);
    withoutAccession.delete(0x00080050);
    const sent = writeDataSet(withoutAccession, plain.ts);
    assert.deepEqual(answer(await noop.handle(request(plain, {}, sent))), { status: 0x0000 });
    const event = await lastEvent(base + 2);
    assert.equal(event.tier, 'fast', 'the tier rule is recorded in the event');
    assert.deepEqual(await store.head(event.storageKey).then((h) => h?.metadata['tier']), 'fast', 'and with the object');
    const stored = await storedBytes(event.storageKey);
    assert.ok(stored.subarray(readFileMetaInformation(stored).dataSetOffset).equals(sent), 'byte-identical');
  });

  test('newUids: key, file meta and event carry the new SOP Instance UID; every instance of a study maps to the same new Study UID', async () => {
    const base = events.length;
    const scp = make([{ actions: [{ action: 'newUids' }] }]);
    const original = readDataSet(plain.dataSet, plain.ts);
    const second = readDataSet(plain.dataSet, plain.ts).setStrings(0x00080018, `${plain.sopInstanceUid}.2`);
    assert.equal((await scp.handle(request(plain))).status, 0xb000);
    assert.equal((await scp.handle(request(plain, { sopInstanceUid: `${plain.sopInstanceUid}.2` }, writeDataSet(second, plain.ts)))).status, 0xb000);
    const next = await lastEvent(base + 2);
    const first = events[base] as InstanceReceived;
    assert.equal(first.sopInstanceUid, remappedUid(SECRET, plain.sopInstanceUid));
    assert.equal(next.sopInstanceUid, remappedUid(SECRET, `${plain.sopInstanceUid}.2`));
    assert.equal(first.studyInstanceUid, remappedUid(SECRET, original.getUid(0x0020000d) as string));
    assert.equal(next.studyInstanceUid, first.studyInstanceUid);
    assert.equal(next.seriesInstanceUid, first.seriesInstanceUid);
    assert.ok(first.storageKey.includes(`/${first.studyInstanceUid}/`) && first.storageKey.includes(`/${first.sopInstanceUid}.`), first.storageKey);
    const header = await readPart10Header(await store.get(first.storageKey), 1 << 20);
    assert.equal(header.meta.mediaStorageSopInstanceUid, first.sopInstanceUid);
    assert.equal(header.dataSet.getUid(0x00080018), first.sopInstanceUid);
  });

  test('deflated transfer syntax: the data set is inflated, given the new header and deflated again', async () => {
    const base = events.length;
    const scp = make([{ actions: [{ action: 'set', tag: 'InstitutionName', value: 'Deflated Hospital' }] }]);
    // DCMTK pads the odd deflate stream with one 0x00 when sending it (test/fixtures README).
    const sent = deflated.dataSet.length % 2 ? Buffer.concat([deflated.dataSet, Buffer.alloc(1)]) : deflated.dataSet;
    const outcome = await scp.handle(request(deflated, {}, sent, 50));
    assert.equal(outcome.status, 0xb000);
    const event = await lastEvent(base + 1);
    const stored = await storedBytes(event.storageKey);
    const { meta, dataSetOffset } = readFileMetaInformation(stored);
    assert.equal(meta.transferSyntaxUid, deflated.ts);
    const inflated = inflateRawSync(stored.subarray(dataSetOffset));
    const originalInflated = inflateRawSync(deflated.dataSet);
    const ds = readDataSet(inflated, EXPLICIT_LE);
    assert.equal(ds.getString(0x00080080), 'Deflated Hospital');
    assert.ok(ds.getBytes(PIXEL_DATA)?.equals(readDataSet(originalInflated, EXPLICIT_LE).getBytes(PIXEL_DATA) as Buffer), 'same pixel bytes');
    assert.ok(inflated.subarray(pixelDataOffset(inflated)).equals(originalInflated.subarray(pixelDataOffset(originalInflated))));
    assert.equal(readDataSet(Buffer.from(event.header as string, 'base64'), EXPLICIT_LE).getString(0x00080080), 'Deflated Hospital', 'the event header travels inflated');
  });

  test('a rule that cannot be carried out, or a header above the cap to rewrite, is refused with 0x0110 and stores nothing', async () => {
    const before = (await keys()).length;
    const greek = make([{ name: 'greek', actions: [{ action: 'set', tag: 'InstitutionName', value: 'Νοσοκομείο' }] }]);
    const outcome = await greek.handle(request(plain));
    assert.equal(outcome.status, 0x0110);
    assert.match(outcome.errorComment ?? '', /greek/);

    const big = readDataSet(plain.dataSet, plain.ts).setStrings(0x00204000, 'x'.repeat(9000), 'LT');
    const capped = make([{ actions: [{ action: 'set', tag: 'InstitutionName', value: 'Elsewhere' }] }], { headerCapBytes: 4096 });
    const refused = await capped.handle(request(plain, {}, writeDataSet(big, plain.ts)));
    assert.equal(refused.status, 0x0110);
    assert.match(refused.errorComment ?? '', /too large/);
    assert.equal((await keys()).length, before);
  });

  test('rules that match nothing leave the path as it was: 0x0000 and the bytes as sent', async () => {
    const base = events.length;
    const scp = make([{ match: { calledAe: 'ELSEWHERE' }, actions: [{ action: 'newUids' }] }]);
    assert.deepEqual(answer(await scp.handle(request(plain))), { status: 0x0000 });
    const event = await lastEvent(base + 1);
    assert.equal(event.sopInstanceUid, plain.sopInstanceUid);
    assert.equal(event.tier, 'primary');
    const stored = await storedBytes(event.storageKey);
    assert.ok(stored.subarray(readFileMetaInformation(stored).dataSetOffset).equals(plain.dataSet));
  });
});

