import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, test } from 'node:test';
import { DataSet, encodePart10, QueryRetrieveModel, TransferSyntaxUid, writeDataSet } from '@pacs/dicom';
import type { RetrieveInstance } from '@pacs/domain';
import { part10DataSet, part10Object, StoredObjectError } from '@pacs/runtime';
import { answerQrExtendedNegotiation } from './qr-negotiation';
import { groupByContexts } from './context-groups';
import { runSubOperations, type SubOperationOutcome } from './sub-operations';

const EXPLICIT_LE = TransferSyntaxUid.ExplicitVRLittleEndian;

function part10(size: number): { file: Buffer; dataSet: Buffer } {
  const ds = new DataSet().setStrings(0x00080016, '1.2.840.10008.5.1.4.1.1.7', 'UI').setStrings(0x00080018, '1.2.3.4', 'UI').setBytes(0x7fe00010, 'OB', Buffer.alloc(size, 7));
  const dataSet = writeDataSet(ds, EXPLICIT_LE);
  const file = encodePart10({ mediaStorageSopClassUid: '1.2.840.10008.5.1.4.1.1.7', mediaStorageSopInstanceUid: '1.2.3.4', transferSyntaxUid: EXPLICIT_LE } as Parameters<typeof encodePart10>[0], dataSet);
  return { file, dataSet };
}

/** The file in chunks of `size` bytes, as a storage stream delivers it. */
function chunked(bytes: Buffer, size: number): Readable {
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
  return Readable.from(chunks, { objectMode: false });
}

describe('PS3.10 §7.1: a stored Part 10 object becomes the data set of a C-STORE sub-operation', () => {
  for (const size of [1, 7, 64, 1000, 1 << 20]) {
    test(`read in ${size}-byte chunks: preamble, DICM and group 0002 dropped, the data set byte-exact`, async () => {
      const { file, dataSet } = part10(3000);
      const { meta, dataSet: stream } = await part10DataSet(chunked(file, size));
      assert.equal(meta.transferSyntaxUid, EXPLICIT_LE);
      assert.ok(Buffer.concat(await stream.toArray()).equals(dataSet));
    });
  }

  test('part10Object: an object delivered whole is one Buffer (sent with its command), a longer one a stream', async () => {
    const { file, dataSet } = part10(3000);
    const whole = await part10Object(chunked(file, file.length));
    assert.ok(Buffer.isBuffer(whole.dataSet) && whole.dataSet.equals(dataSet));
    const streamed = await part10Object(chunked(file, 1000));
    assert.ok(!Buffer.isBuffer(streamed.dataSet));
    assert.ok(Buffer.concat(await streamed.dataSet.toArray()).equals(dataSet));
  });

  test('not a Part 10 file → StoredObjectError, the source destroyed', async () => {
    const source = chunked(Buffer.alloc(400, 1), 100);
    await assert.rejects(part10DataSet(source), StoredObjectError);
    assert.equal(source.destroyed, true);
  });
});

describe('SOP Class Extended Negotiation (PS3.4 C.5.1.1, C.5.3.1)', () => {
  test('C-FIND: relational and combined date-time accepted, fuzzy PN and timezone adjustment declined', () => {
    assert.deepEqual([...answerQrExtendedNegotiation(QueryRetrieveModel.StudyRootFind, Buffer.from([1, 1, 1, 1])) ?? []], [1, 1, 0, 0]);
    assert.deepEqual([...answerQrExtendedNegotiation(QueryRetrieveModel.StudyRootFind, Buffer.from([0, 1])) ?? []], [0, 1]);
  });
  test('C-MOVE: relational retrieval accepted; other SOP classes get no answer', () => {
    assert.deepEqual([...answerQrExtendedNegotiation(QueryRetrieveModel.PatientRootMove, Buffer.from([1, 1])) ?? []], [1, 0]);
    assert.equal(answerQrExtendedNegotiation('1.2.840.10008.5.1.4.1.1.2', Buffer.from([1])), undefined);
  });
});

const instance = (n: number, sopClassUid = '1.2.840.10008.5.1.4.1.1.2', transferSyntaxUid: string = EXPLICIT_LE): RetrieveInstance => ({
  sopInstanceUid: `1.2.${n}`, sopClassUid, transferSyntaxUid, tier: 'primary', storageKey: `k${n}`, size: 1,
});

describe('sub-operations of a C-MOVE / C-GET (PS3.4 C.4.2.3)', () => {
  test('a pending response after each, counters and the Failed SOP Instance UID List at the end', async () => {
    const outcomes: SubOperationOutcome[] = ['completed', 'failed', 'warning', 'completed'];
    const run = runSubOperations([1, 2, 3, 4].map((n) => instance(n)), async (i) => outcomes[Number(i.sopInstanceUid.split('.')[2]) - 1] as SubOperationOutcome, { parallelism: 1, signal: new AbortController().signal });
    const progress = [];
    let step = await run.next();
    while (!step.done) {
      progress.push(step.value.remaining);
      step = await run.next();
    }
    assert.deepEqual(progress, [3, 2, 1, 0]);
    assert.deepEqual(step.value, { completed: 2, failed: 1, warning: 1, remaining: 0, failedSopInstanceUids: ['1.2.2'] });
  });

  test('at most `parallelism` in flight; a throwing sub-operation counts as failed', async () => {
    let running = 0;
    let peak = 0;
    const run = runSubOperations([1, 2, 3, 4, 5, 6].map((n) => instance(n)), async (i) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setImmediate(r));
      running--;
      if (i.sopInstanceUid === '1.2.5') throw new Error('storage gone');
      return 'completed';
    }, { parallelism: 3, signal: new AbortController().signal });
    let step = await run.next();
    while (!step.done) step = await run.next();
    assert.equal(peak, 3);
    assert.deepEqual(step.value.failedSopInstanceUids, ['1.2.5']);
    assert.equal(step.value.completed, 5);
  });

  test('C-CANCEL: no new sub-operation starts, those in flight finish, the rest is remaining', async () => {
    const controller = new AbortController();
    const started: string[] = [];
    const run = runSubOperations([1, 2, 3, 4, 5].map((n) => instance(n)), async (i) => {
      started.push(i.sopInstanceUid);
      if (started.length === 2) controller.abort();
      return 'completed';
    }, { parallelism: 1, signal: controller.signal });
    let step = await run.next();
    while (!step.done) step = await run.next();
    assert.deepEqual(started, ['1.2.1', '1.2.2']);
    assert.deepEqual({ ...step.value, failedSopInstanceUids: undefined }, { completed: 2, failed: 0, warning: 0, remaining: 3, failedSopInstanceUids: undefined });
  });

  test('PS3.8: no more than 128 presentation contexts per association, so instances are grouped', () => {
    const many = Array.from({ length: 300 }, (_, n) => instance(n, `1.2.840.10008.5.1.4.1.1.${n}`));
    const groups = groupByContexts(many);
    assert.deepEqual(groups.map((g) => g.length), [128, 128, 44]);
    const same = groupByContexts([instance(1), instance(2), instance(3, '1.2.840.10008.5.1.4.1.1.4')]);
    assert.equal(same.length, 1);
  });
});

describe('a sub-operation that stops reading', () => {
  test('destroying the data set stream releases the storage stream', async () => {
    const { file } = part10(100_000);
    const source = chunked(file, 1000);
    const { dataSet } = await part10DataSet(source);
    dataSet.destroy();
    await new Promise((r) => setImmediate(r));
    assert.equal(source.destroyed, true);
  });
});
