import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { BusMessage, DeadLetter } from '../bus';
import {
  BusAbortedError,
  BusConfigError,
  BusNoRespondersError,
  BusProtocolError,
  BusRemoteError,
  BusTimeoutError,
  InvalidSubjectError,
  StreamFullError,
  StreamNotFoundError,
} from '../errors';
import { bytes, deferred, eventually, settles, sleep, text, withFixture, type BusFactory, type Fixture } from './fixture';

export type { BusFactory } from './fixture';

/**
 * The one contract both adapters must meet. Each test gets a fresh bus from `makeBus` and
 * its own stream `T_<random>` over `t.<random>.>`, deleted afterwards. Short ack waits
 * make redelivery happen quickly, but only counts and order are asserted, never durations.
 */
export function busConformance(name: string, makeBus: BusFactory): void {
  const run = (title: string, body: (f: Fixture) => Promise<void>): void => {
    test(title, { timeout: 60_000 }, () => withFixture(makeBus, body));
  };
  const lagOf = async (f: Fixture, durable = 'worker') => {
    const info = await f.bus.streamInfo(f.stream);
    return info.consumers.find((c) => c.name === durable);
  };
  const settled = (f: Fixture, durable = 'worker') =>
    eventually(async () => (await lagOf(f, durable))?.ackPending === 0, `${durable}: nothing left unacked`);

  describe(`Bus conformance: ${name}`, () => {
    describe('publish and consume', () => {
      run('publish resolves with stream and rising seq; the durable gets subject, data, headers, msgId, deliveryCount 1', async (f) => {
        await f.bus.ensureStream(f.streamSpec());
        const a1 = await f.bus.publish(`${f.prefix}.a`, bytes('one'), { msgId: 'm-1', headers: { 'X-Study': '1.2.3' } });
        const a2 = await f.bus.publish(`${f.prefix}.b`, bytes('two'));
        assert.deepEqual(a1, { stream: f.stream, seq: a1.seq, duplicate: false });
        assert.ok(a2.seq > a1.seq);
        const got: BusMessage[] = [];
        await f.consume(f.consumerSpec(), async (m) => {
          got.push(m);
        });
        await eventually(() => got.length === 2, 'two deliveries');
        const [m1, m2] = [...got].sort((x, y) => x.seq - y.seq) as [BusMessage, BusMessage];
        assert.equal(m1.stream, f.stream);
        assert.equal(m1.subject, `${f.prefix}.a`);
        assert.equal(text(m1.data), 'one');
        assert.deepEqual(m1.headers, { 'X-Study': '1.2.3' });
        assert.equal(m1.msgId, 'm-1');
        assert.equal(m1.seq, a1.seq);
        assert.equal(m1.deliveryCount, 1);
        assert.ok(m1.timestamp instanceof Date);
        assert.equal(text(m2.data), 'two');
        assert.equal(m2.msgId, undefined);
        assert.deepEqual(m2.headers, {});
        await settled(f);
      });

      run('a repeated msgId inside the duplicate window is reported duplicate and stores nothing', async (f) => {
        await f.bus.ensureStream(f.streamSpec());
        const subject = `${f.prefix}.instance`;
        const first = await f.bus.publish(subject, bytes('x'), { msgId: '1.2.840.1:sha256-aa' });
        const again = await f.bus.publish(subject, bytes('y'), { msgId: '1.2.840.1:sha256-aa' });
        const other = await f.bus.publish(subject, bytes('z'), { msgId: '1.2.840.2:sha256-bb' });
        assert.deepEqual(again, { stream: f.stream, seq: first.seq, duplicate: true });
        assert.equal(other.duplicate, false);
        assert.equal((await f.bus.streamInfo(f.stream)).messages, 2);
        const got: string[] = [];
        await f.consume(f.consumerSpec(), async (m) => {
          got.push(text(m.data));
        });
        await eventually(() => got.length === 2, 'two deliveries');
        await eventually(async () => (await lagOf(f))?.pending === 0, 'nothing left to deliver');
        assert.deepEqual(got.sort(), ['x', 'z']);
      });

      run('publish to a wildcard subject is refused with InvalidSubjectError', async (f) => {
        await f.bus.ensureStream(f.streamSpec());
        await assert.rejects(f.bus.publish(`${f.prefix}.*`, bytes('x')), InvalidSubjectError);
        await assert.rejects(f.bus.publish(`${f.prefix}.>`, bytes('x')), InvalidSubjectError);
      });

      run('publish to a subject no stream captures, and consume of a missing stream, give StreamNotFoundError', async (f) => {
        await assert.rejects(f.bus.publish(`${f.prefix}.orphan`, bytes('x')), StreamNotFoundError);
        await assert.rejects(f.bus.consume(f.consumerSpec(), async () => undefined), StreamNotFoundError);
        await assert.rejects(f.bus.streamInfo(f.stream), StreamNotFoundError);
      });

      run('a filterSubject durable gets only matching subjects; two durables each see every message', async (f) => {
        await f.bus.ensureStream(f.streamSpec());
        for (const s of ['a.1', 'b.1', 'a.2']) await f.bus.publish(`${f.prefix}.${s}`, bytes(s));
        const onlyA: string[] = [];
        const all: string[] = [];
        await f.consume(f.consumerSpec({ durable: 'only-a', filterSubject: `${f.prefix}.a.*` }), async (m) => {
          onlyA.push(text(m.data));
        });
        await f.consume(f.consumerSpec({ durable: 'all' }), async (m) => {
          all.push(text(m.data));
        });
        await eventually(() => onlyA.length === 2 && all.length === 3, 'deliveries to both durables');
        await settled(f, 'only-a');
        await settled(f, 'all');
        assert.deepEqual(onlyA.sort(), ['a.1', 'a.2']);
        assert.deepEqual(all.sort(), ['a.1', 'a.2', 'b.1']);
      });
    });

    describe('streams', () => {
      run('ensureStream twice is a no-op, a third call updates limits, a retention change is refused', async (f) => {
        await f.bus.ensureStream(f.streamSpec());
        await f.bus.ensureStream(f.streamSpec());
        await f.bus.ensureStream(f.streamSpec({ maxBytes: 1_000_000, maxAgeMs: 3_600_000 }));
        await f.bus.publish(`${f.prefix}.x`, bytes('x'));
        assert.equal((await f.bus.streamInfo(f.stream)).messages, 1);
        await assert.rejects(f.bus.ensureStream(f.streamSpec({ retention: 'workqueue' })), BusConfigError);
      });

      run('a stream whose subjects overlap another stream is refused with BusConfigError', async (f) => {
        await f.bus.ensureStream(f.streamSpec());
        const other = `${f.stream}_B`;
        try {
          await assert.rejects(f.bus.ensureStream({ name: other, subjects: [`${f.prefix}.x.*`], duplicateWindowMs: 60_000 }), BusConfigError);
        } finally {
          await f.bus.deleteStream(other);
        }
      });

      run('a stream at maxBytes refuses publish with StreamFullError and keeps what it had', async (f) => {
        await f.bus.ensureStream(f.streamSpec({ maxBytes: 2048 }));
        let stored = 0;
        let refusal: unknown;
        for (let i = 0; i < 50 && refusal === undefined; i++) {
          try {
            await f.bus.publish(`${f.prefix}.big`, new Uint8Array(400));
            stored++;
          } catch (err) {
            refusal = err;
          }
        }
        assert.ok(refusal instanceof StreamFullError, `expected StreamFullError, got ${String(refusal)}`);
        assert.ok(stored >= 1 && stored < 50);
        assert.equal((await f.bus.streamInfo(f.stream)).messages, stored);
      });

      run('streamInfo reports messages, bytes and per-durable lag', async (f) => {
        await f.bus.ensureStream(f.streamSpec());
        for (let i = 0; i < 3; i++) await f.bus.publish(`${f.prefix}.e`, bytes(`m${i}`));
        let handled = 0;
        const c = await f.consume(f.consumerSpec(), async () => {
          handled++;
        });
        await eventually(() => handled === 3, 'three handled');
        await settled(f);
        await c.stop();
        for (let i = 0; i < 2; i++) await f.bus.publish(`${f.prefix}.e`, bytes(`late${i}`));
        const info = await f.bus.streamInfo(f.stream);
        assert.equal(info.messages, 5);
        assert.ok(info.bytes > 0);
        assert.deepEqual(info.consumers, [{ name: 'worker', pending: 2, ackPending: 0, redelivered: 0 }]);
      });

      run('a work-queue stream forgets acked messages and refuses an overlapping second durable', async (f) => {
        await f.bus.ensureStream(f.streamSpec({ retention: 'workqueue' }));
        for (let i = 0; i < 3; i++) await f.bus.publish(`${f.prefix}.job`, bytes(`j${i}`));
        let handled = 0;
        await f.consume(f.consumerSpec(), async () => {
          handled++;
        });
        await eventually(() => handled === 3, 'three handled');
        await eventually(async () => (await f.bus.streamInfo(f.stream)).messages === 0, 'acked messages removed');
        await assert.rejects(f.bus.consume(f.consumerSpec({ durable: 'other' }), async () => undefined), BusConfigError);
      });
    });

    describe('redelivery', () => {
      run('a handler that throws gets the message again with deliveryCount 2', async (f) => {
        await f.bus.ensureStream(f.streamSpec());
        const seen: Array<{ seq: number; n: number; data: string }> = [];
        await f.consume(f.consumerSpec({ backoffMs: [50] }), async (m) => {
          seen.push({ seq: m.seq, n: m.deliveryCount, data: text(m.data) });
          if (m.deliveryCount === 1) throw new Error('transient failure');
        });
        const { seq } = await f.bus.publish(`${f.prefix}.r`, bytes('retry me'));
        await eventually(() => seen.length === 2, 'second delivery');
        await settled(f);
        assert.deepEqual(seen, [
          { seq, n: 1, data: 'retry me' },
          { seq, n: 2, data: 'retry me' },
        ]);
      });

      run('after maxDeliver failures the message is terminated and reported once as a dead letter', async (f) => {
        await f.bus.ensureStream(f.streamSpec());
        const attempts: number[] = [];
        const letters: DeadLetter[] = [];
        const sentinel = deferred();
        const spec = f.consumerSpec({
          maxDeliver: 3,
          backoffMs: [10, 20],
          onDeadLetter: (dl) => {
            letters.push(dl);
          },
        });
        await f.consume(spec, async (m) => {
          if (text(m.data) === 'sentinel') return sentinel.resolve();
          attempts.push(m.deliveryCount);
          throw new Error('poison message');
        });
        const { seq } = await f.bus.publish(`${f.prefix}.p`, bytes('poison'), { msgId: 'poison-1' });
        await eventually(() => letters.length === 1, 'dead letter');
        await f.bus.publish(`${f.prefix}.p`, bytes('sentinel'));
        await settles(sentinel.promise, 'sentinel handled');
        await settled(f);
        assert.deepEqual(attempts, [1, 2, 3]);
        assert.equal(letters.length, 1);
        const [dl] = letters as [DeadLetter];
        assert.equal(dl.reason, 'handler-failed');
        assert.equal(dl.seq, seq);
        assert.equal(dl.deliveryCount, 3);
        assert.equal(dl.durable, 'worker');
        assert.equal(dl.stream, f.stream);
        assert.equal(dl.msgId, 'poison-1');
        assert.equal(text(dl.data ?? new Uint8Array()), 'poison');
        assert.equal((dl.error as Error).message, 'poison message');
      });

      run('a handler that hangs past ackWait sees the message redelivered', async (f) => {
        await f.bus.ensureStream(f.streamSpec());
        const release = deferred();
        f.onCleanup(() => release.resolve());
        const seen: number[] = [];
        await f.consume(f.consumerSpec({ ackWaitMs: 500 }), async (m) => {
          seen.push(m.deliveryCount);
          if (m.deliveryCount === 1) await release.promise;
        });
        await f.bus.publish(`${f.prefix}.h`, bytes('slow'));
        await eventually(() => seen.length >= 2, 'redelivery after ack wait');
        release.resolve();
        await settled(f);
        assert.deepEqual(seen.slice(0, 2), [1, 2]);
      });

      run('working() keeps a long handler from being redelivered', async (f) => {
        await f.bus.ensureStream(f.streamSpec());
        const deliveries: number[] = [];
        const done = deferred();
        await f.consume(f.consumerSpec({ ackWaitMs: 1_000 }), async (m) => {
          deliveries.push(m.deliveryCount);
          if (deliveries.length > 1) return;
          for (let i = 0; i < 15; i++) {
            await sleep(100);
            m.working();
          }
          done.resolve();
        });
        await f.bus.publish(`${f.prefix}.w`, bytes('long'));
        await settles(done.promise, 'long handler done');
        await settled(f);
        assert.deepEqual(deliveries, [1]);
      });

      run('a delivery never acked on its maxDeliver-th attempt is reported as an ack-timeout dead letter', async (f) => {
        await f.bus.ensureStream(f.streamSpec());
        const release = deferred();
        f.onCleanup(() => release.resolve());
        const seen: number[] = [];
        const letters: DeadLetter[] = [];
        await f.consume(f.consumerSpec({ ackWaitMs: 500, maxDeliver: 2, onDeadLetter: (dl) => void letters.push(dl) }), async (m) => {
          seen.push(m.deliveryCount);
          await release.promise;
        });
        const { seq } = await f.bus.publish(`${f.prefix}.stuck`, bytes('stuck'));
        await eventually(() => letters.length === 1, 'dead letter after the last ack wait');
        assert.deepEqual(seen, [1, 2]);
        const [dl] = letters as [DeadLetter];
        assert.equal(dl.reason, 'ack-timeout');
        assert.equal(dl.seq, seq);
        assert.equal(dl.deliveryCount, 2);
        assert.equal(text(dl.data ?? new Uint8Array()), 'stuck');
      });
    });

    describe('sharing and flow control', () => {
      run('two subscribers of one durable share the messages, each handled exactly once', async (f) => {
        await f.bus.ensureStream(f.streamSpec());
        const a: number[] = [];
        const b: number[] = [];
        const spec = f.consumerSpec({ maxAckPending: 4 });
        await f.consume(spec, async (m) => {
          a.push(m.seq);
          await sleep(10);
        });
        await f.consume(spec, async (m) => {
          b.push(m.seq);
          await sleep(10);
        });
        for (let i = 0; i < 20; i++) await f.bus.publish(`${f.prefix}.work`, bytes(`w${i}`));
        await eventually(() => a.length + b.length >= 20, 'twenty handled');
        await settled(f);
        assert.equal(a.length + b.length, 20);
        assert.equal(new Set([...a, ...b]).size, 20);
        assert.ok(a.length > 0 && b.length > 0, `both subscribers worked (a=${a.length}, b=${b.length})`);
      });

      run('maxAckPending bounds the handlers running at once across subscribers', async (f) => {
        await f.bus.ensureStream(f.streamSpec());
        let running = 0;
        let peak = 0;
        let handled = 0;
        const handler = async (): Promise<void> => {
          running++;
          peak = Math.max(peak, running);
          await sleep(30);
          running--;
          handled++;
        };
        const spec = f.consumerSpec({ maxAckPending: 3 });
        await f.consume(spec, handler);
        await f.consume(spec, handler);
        for (let i = 0; i < 15; i++) await f.bus.publish(`${f.prefix}.load`, bytes(`l${i}`));
        await eventually(() => handled === 15, 'fifteen handled');
        assert.ok(peak <= 3, `peak ${peak} exceeds maxAckPending 3`);
        assert.ok(peak >= 2, `handlers never overlapped (peak ${peak})`);
      });

      run('Consumer.stop waits for the running handler, acks it, and takes nothing new', async (f) => {
        await f.bus.ensureStream(f.streamSpec());
        const started = deferred();
        const release = deferred();
        f.onCleanup(() => release.resolve());
        const events: string[] = [];
        const c = await f.consume(f.consumerSpec(), async (m) => {
          if (text(m.data) !== 'slow') return void events.push(`unexpected:${text(m.data)}`);
          started.resolve();
          await release.promise;
          events.push('handler-done');
        });
        await f.bus.publish(`${f.prefix}.s`, bytes('slow'));
        await settles(started.promise, 'slow handler started');
        const stopped = c.stop().then(() => void events.push('stopped'));
        await sleep(100);
        assert.deepEqual(events, []);
        release.resolve();
        await settles(stopped, 'consumer stopped');
        assert.deepEqual(events, ['handler-done', 'stopped']);
        await settled(f);
        await f.bus.publish(`${f.prefix}.s`, bytes('late'));
        await eventually(async () => (await lagOf(f))?.pending === 1, 'late message waits undelivered');
        assert.deepEqual(events, ['handler-done', 'stopped']);
      });

      run('stop({ timeoutMs }) gives up on a handler that never ends; another subscriber gets the message', async (f) => {
        await f.bus.ensureStream(f.streamSpec());
        const release = deferred();
        f.onCleanup(() => release.resolve());
        const spec = f.consumerSpec({ ackWaitMs: 500, maxAckPending: 1 });
        let firstGot = 0;
        const c1 = await f.consume(spec, async () => {
          firstGot++;
          await release.promise;
        });
        await f.bus.publish(`${f.prefix}.stuck`, bytes('stuck'));
        await eventually(() => firstGot === 1, 'first subscriber holds the message');
        await settles(c1.stop({ timeoutMs: 100 }), 'stop gives up waiting');
        const second: number[] = [];
        await f.consume(spec, async (m) => {
          second.push(m.deliveryCount);
        });
        await eventually(() => second.length === 1, 'redelivered to the second subscriber');
        assert.deepEqual(second, [2]);
      });
    });

    describe('request/reply', () => {
      run('requests to a queue group of two servers are each answered once, by either', async (f) => {
        const subject = `${f.prefix}.rpc.find`;
        const served = { a: 0, b: 0 };
        await f.serve(subject, 'qr', async (req) => {
          served.a++;
          return bytes(`a:${text(req.data)}:${req.headers['X-Call'] ?? ''}`);
        });
        await f.serve(subject, 'qr', async (req) => {
          served.b++;
          return bytes(`b:${text(req.data)}:${req.headers['X-Call'] ?? ''}`);
        });
        for (let i = 0; i < 20; i++) {
          const reply = await f.bus.request(subject, bytes(String(i)), { timeoutMs: 5_000, headers: { 'X-Call': 'c' } });
          assert.match(text(reply), new RegExp(`^[ab]:${i}:c$`));
        }
        assert.equal(served.a + served.b, 20);
        assert.ok(served.a > 0 && served.b > 0, `both servers answered (a=${served.a}, b=${served.b})`);
      });

      run('a request nobody serves fails with BusNoRespondersError', async (f) => {
        await assert.rejects(f.bus.request(`${f.prefix}.nobody`, bytes('?'), { timeoutMs: 2_000 }), BusNoRespondersError);
        await assert.rejects(async () => {
          for await (const _ of f.bus.requestStream(`${f.prefix}.nobody`, bytes('?'), { timeoutMs: 2_000 })) void _;
        }, BusNoRespondersError);
      });

      run('a reply slower than timeoutMs gives BusTimeoutError and the server sees its signal abort', async (f) => {
        const subject = `${f.prefix}.rpc.slow`;
        const serverAborted = deferred();
        await f.serve(subject, 'qr', (req) => {
          req.signal.addEventListener('abort', () => serverAborted.resolve());
          return new Promise<Uint8Array>(() => undefined);
        });
        await assert.rejects(f.bus.request(subject, bytes('?'), { timeoutMs: 300 }), BusTimeoutError);
        await settles(serverAborted.promise, 'the server handler sees its signal abort');
      });

      run("a responder's failure reaches the requester as BusRemoteError with its name and message", async (f) => {
        const subject = `${f.prefix}.rpc.fail`;
        await f.serve(subject, 'qr', async () => {
          throw new RangeError('unsupported query level');
        });
        const err: unknown = await f.bus.request(subject, bytes('?'), { timeoutMs: 5_000 }).catch((e: unknown) => e);
        assert.ok(err instanceof BusRemoteError);
        assert.equal(err.remoteName, 'RangeError');
        assert.equal(err.remoteMessage, 'unsupported query level');
      });

      run('streamed replies arrive complete and in order; a one-shot handler streams one reply', async (f) => {
        const many = `${f.prefix}.rpc.many`;
        const one = `${f.prefix}.rpc.one`;
        await f.serve(many, 'qr', async function* (req) {
          const n = Number(text(req.data));
          for (let i = 0; i < n; i++) yield bytes(`match-${i}`);
        });
        await f.serve(one, 'qr', async () => bytes('single'));
        const got: string[] = [];
        for await (const chunk of f.bus.requestStream(many, bytes('150'), { timeoutMs: 5_000 })) got.push(text(chunk));
        assert.deepEqual(got, Array.from({ length: 150 }, (_, i) => `match-${i}`));
        const single: string[] = [];
        for await (const chunk of f.bus.requestStream(one, bytes(''), { timeoutMs: 5_000 })) single.push(text(chunk));
        assert.deepEqual(single, ['single']);
        await assert.rejects(f.bus.request(many, bytes('1'), { timeoutMs: 5_000 }), BusProtocolError);
      });

      run('a streamed reply that fails midway delivers what came before, then BusRemoteError', async (f) => {
        const subject = `${f.prefix}.rpc.broken`;
        await f.serve(subject, 'qr', async function* () {
          yield bytes('first');
          yield bytes('second');
          throw new Error('index went away');
        });
        const got: string[] = [];
        const err = await (async () => {
          for await (const chunk of f.bus.requestStream(subject, bytes(''), { timeoutMs: 5_000 })) got.push(text(chunk));
        })().catch((e: unknown) => e);
        assert.deepEqual(got, ['first', 'second']);
        assert.ok(err instanceof BusRemoteError);
        assert.equal(err.remoteMessage, 'index went away');
      });

      const endless = (serverAborted: { resolve(): void }) =>
        async function* (req: { signal: AbortSignal }): AsyncGenerator<Uint8Array> {
          req.signal.addEventListener('abort', () => serverAborted.resolve());
          for (let i = 0; !req.signal.aborted; i++) {
            yield bytes(String(i));
            await sleep(2);
          }
        };

      run('aborting a streamed reply (C-CANCEL) stops the client with BusAbortedError and the server sees the abort', async (f) => {
        const subject = `${f.prefix}.rpc.endless`;
        const serverAborted = deferred();
        await f.serve(subject, 'qr', endless(serverAborted));
        const ac = new AbortController();
        const got: string[] = [];
        await assert.rejects(async () => {
          for await (const chunk of f.bus.requestStream(subject, bytes(''), { timeoutMs: 5_000, signal: ac.signal })) {
            got.push(text(chunk));
            if (got.length === 3) ac.abort();
          }
        }, BusAbortedError);
        assert.deepEqual(got, ['0', '1', '2']);
        await settles(serverAborted.promise, 'the server handler sees its signal abort');
      });

      run('after an abort no further reply is delivered, even one already received', async (f) => {
        const subject = `${f.prefix}.rpc.burst`;
        await f.serve(subject, 'qr', async function* () {
          for (let i = 0; i < 8; i++) yield bytes(String(i));
        });
        const ac = new AbortController();
        const got: string[] = [];
        await assert.rejects(async () => {
          for await (const chunk of f.bus.requestStream(subject, bytes(''), { timeoutMs: 5_000, signal: ac.signal })) {
            got.push(text(chunk));
            await sleep(100); // the rest of the burst arrives meanwhile
            ac.abort();
          }
        }, BusAbortedError);
        assert.deepEqual(got, ['0']);
      });

      run('breaking out of a streamed reply also stops the server', async (f) => {
        const subject = `${f.prefix}.rpc.endless`;
        const serverAborted = deferred();
        await f.serve(subject, 'qr', endless(serverAborted));
        const got: string[] = [];
        for await (const chunk of f.bus.requestStream(subject, bytes(''), { timeoutMs: 5_000 })) {
          got.push(text(chunk));
          if (got.length === 5) break;
        }
        assert.deepEqual(got, ['0', '1', '2', '3', '4']);
        await settles(serverAborted.promise, 'the server handler sees its signal abort');
      });
    });
  });
}
