import { randomBytes } from 'node:crypto';
import type { Bus, Consumer, ConsumerSpec, MessageHandler, Server, StreamSpec } from '../bus';

/** Helpers of the conformance suite: one bus, one uniquely named stream per test. */

export type BusFactory = () => Promise<Bus>;

export interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
}

export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

export const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
export const text = (b: Uint8Array): string => new TextDecoder().decode(b);
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls until `check` holds; the bound only turns a hang into a failure, nothing is timed. */
export async function eventually(check: () => boolean | Promise<boolean>, what: string, boundMs = 20_000): Promise<void> {
  const giveUp = Date.now() + boundMs;
  while (!(await check())) {
    if (Date.now() > giveUp) throw new Error(`still waiting for: ${what}`);
    await sleep(20);
  }
}

/** Awaits a promise the test expects to settle; the bound only turns a hang into a failure. */
export async function settles<T>(promise: Promise<T>, what: string, boundMs = 20_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const giveUp = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still waiting for: ${what}`)), boundMs);
  });
  try {
    return await Promise.race([promise, giveUp]);
  } finally {
    clearTimeout(timer);
  }
}

export interface Fixture {
  bus: Bus;
  stream: string;
  /** Subject prefix captured by the stream: `<prefix>.>`. */
  prefix: string;
  streamSpec(extra?: Partial<StreamSpec>): StreamSpec;
  consumerSpec(extra?: Partial<ConsumerSpec>): ConsumerSpec;
  consume(spec: ConsumerSpec, handler: MessageHandler): Promise<Consumer>;
  serve(subject: string, group: string, handler: Parameters<Bus['serve']>[2]): Promise<Server>;
  /** Runs before consumers stop (release handlers a test left waiting). */
  onCleanup(fn: () => void): void;
}

export async function withFixture(makeBus: BusFactory, body: (f: Fixture) => Promise<void>): Promise<void> {
  const bus = await makeBus();
  const id = randomBytes(5).toString('hex');
  const stream = `T_${id}`;
  const prefix = `t.${id}`;
  const consumers: Consumer[] = [];
  const servers: Server[] = [];
  const cleanups: Array<() => void> = [];
  const f: Fixture = {
    bus,
    stream,
    prefix,
    streamSpec: (extra) => ({ name: stream, subjects: [`${prefix}.>`], duplicateWindowMs: 60_000, ...extra }),
    consumerSpec: (extra) => ({ stream, durable: 'worker', maxAckPending: 10, ackWaitMs: 5_000, maxDeliver: 5, ...extra }),
    consume: async (spec, handler) => {
      const c = await bus.consume(spec, handler);
      consumers.push(c);
      return c;
    },
    serve: async (subject, group, handler) => {
      const s = await bus.serve(subject, group, handler);
      servers.push(s);
      return s;
    },
    onCleanup: (fn) => cleanups.push(fn),
  };
  try {
    await body(f);
  } finally {
    for (const fn of cleanups) fn();
    await Promise.all([...consumers.map((c) => c.stop({ timeoutMs: 5_000 })), ...servers.map((s) => s.stop({ timeoutMs: 5_000 }))]);
    await bus.deleteStream(stream).catch(() => false);
    await bus.close();
  }
}
