import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, test } from 'node:test';
import { inflateRawSync, deflateRawSync } from 'node:zlib';
import type { NegotiatedContext } from '../../ul';
import { cFindRsp, cStoreRsp } from '../commands';
import { DimseProtocolError } from '../errors';
import { collectedDataSet, forwardedDataSet } from './data-set-stream';
import { padDeflatedToEven } from './deflate-padding';
import { OperationWindow } from './operation-window';
import { ResponseQueue } from './response-queue';

const context: NegotiatedContext = { id: 1, abstractSyntax: '1.2.3', transferSyntax: '1.2.840.10008.1.2.1', requestorIsScu: true, requestorIsScp: false };
const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('OperationWindow (PS3.7 D.3.3.3)', () => {
  test('at most `limit` run at once, the rest in arrival order; 0 is unlimited', async () => {
    const window = new OperationWindow(2);
    let running = 0;
    let peak = 0;
    const order: number[] = [];
    const job = (i: number) => async (): Promise<void> => {
      running++;
      peak = Math.max(peak, running);
      await tick();
      order.push(i);
      running--;
    };
    await Promise.all([1, 2, 3, 4, 5].map((i) => window.run(job(i))));
    assert.equal(peak, 2);
    assert.deepEqual(order, [1, 2, 3, 4, 5]);
    const unlimited = new OperationWindow(0);
    await Promise.all([1, 2, 3].map(() => unlimited.acquire()));
    assert.equal(unlimited.outstanding, 3);
  });
});

describe('ResponseQueue', () => {
  test('pending responses are yielded, the first non-pending one ends the stream and resolves final', async () => {
    const q = new ResponseQueue(7);
    q.push({ presentationContextId: 1, context, command: cFindRsp({ messageIdBeingRespondedTo: 7, status: 0xff00 }), data: Buffer.from([1]) });
    q.push({ presentationContextId: 1, context, command: cFindRsp({ messageIdBeingRespondedTo: 7, status: 0xff01 }), data: Buffer.from([2]) });
    assert.equal(q.push({ presentationContextId: 1, context, command: cFindRsp({ messageIdBeingRespondedTo: 7, status: 0 }), data: undefined }), true);
    const statuses: number[] = [];
    for await (const r of q) statuses.push(r.command.status!);
    assert.deepEqual(statuses, [0xff00, 0xff01, 0]);
    assert.equal((await q.final).command.status, 0);
  });

  test('fail() rejects final and ends iteration with the error; nothing unhandled when nobody awaits', async () => {
    const q = new ResponseQueue(1);
    const iteration = (async () => {
      for await (const r of q) void r;
    })();
    q.fail(new DimseProtocolError('gone'));
    await assert.rejects(iteration, DimseProtocolError);
    await assert.rejects(q.final, DimseProtocolError);
    const silent = new ResponseQueue(2);
    silent.fail(new Error('nobody listens'));
    await tick();
    assert.equal(silent.push({ presentationContextId: 1, context, command: cStoreRsp({ messageIdBeingRespondedTo: 2, status: 0 }), data: undefined }), true);
  });
});

describe('forwardedDataSet: a C-STORE data set passed on with backpressure', () => {
  test('bytes reach the consumer; a full consumer pauses the source, reading resumes it', async () => {
    const forwarded = forwardedDataSet(4);
    const source = new Readable({ read: () => undefined });
    forwarded.attach(source);
    source.push(Buffer.from('abcdef'));
    await tick();
    assert.equal(source.isPaused(), true);
    const got: Buffer[] = [];
    forwarded.stream.on('data', (c: Buffer) => got.push(c));
    source.push(Buffer.from('gh'));
    source.push(null);
    await forwarded.complete;
    await tick();
    assert.equal(Buffer.concat(got).toString(), 'abcdefgh');
  });

  test('a consumer that gives up: the rest still drains and complete resolves (the response waits for it)', async () => {
    const forwarded = forwardedDataSet(4);
    const source = new Readable({ read: () => undefined });
    forwarded.attach(source);
    forwarded.stream.destroy();
    for (let i = 0; i < 10; i++) source.push(Buffer.alloc(1000));
    source.push(null);
    await forwarded.complete;
    assert.equal(source.readableEnded, true);
  });

  test('the association ending before the data arrives rejects complete and errors the stream', async () => {
    const forwarded = forwardedDataSet(4);
    forwarded.fail(new Error('aborted'));
    await assert.rejects(forwarded.complete, /aborted/);
    assert.equal(forwarded.stream.destroyed, true);
  });
});

describe('collectedDataSet: response identifiers read whole, bounded', () => {
  test('within the bound: the bytes; beyond: DimseProtocolError and the callback', async () => {
    const ok = collectedDataSet(8, () => assert.fail('not too large'));
    ok.attach(Readable.from([Buffer.from('abcd'), Buffer.from('ef')]));
    assert.equal((await ok.bytes).toString(), 'abcdef');
    let told: Error | undefined;
    const big = collectedDataSet(4, (e) => (told = e));
    big.attach(Readable.from([Buffer.from('abcdef')]));
    await assert.rejects(big.bytes, DimseProtocolError);
    assert.ok(told instanceof DimseProtocolError);
  });
});

describe('padDeflatedToEven', () => {
  test('an odd deflate stream gets one 0x00 and still inflates to the same bytes; even ones are untouched', async () => {
    const raw = Buffer.from('a deflated data set of some length');
    let deflated = deflateRawSync(raw);
    if (deflated.length % 2 === 0) deflated = deflateRawSync(Buffer.concat([raw, Buffer.from('!')]));
    const padded = padDeflatedToEven(deflated) as Buffer;
    assert.equal(padded.length, deflated.length + 1);
    assert.equal(padded.at(-1), 0);
    assert.ok(inflateRawSync(padded).equals(inflateRawSync(deflated)));
    const even = Buffer.alloc(10);
    assert.equal(padDeflatedToEven(even), even);
    const chunks: Buffer[] = [];
    for await (const c of padDeflatedToEven(Readable.from([deflated.subarray(0, 3), deflated.subarray(3)])) as Readable) chunks.push(c as Buffer);
    assert.ok(Buffer.concat(chunks).equals(padded));
  });
});
