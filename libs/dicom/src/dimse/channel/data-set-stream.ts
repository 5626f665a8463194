// The two ways a data set that follows a command is taken from the association: streamed on
// to a consumer (C-STORE data, with backpressure end to end), or read whole with a bound
// (identifiers in responses).
import { Readable } from 'node:stream';
import { DimseProtocolError } from '../errors';

const noop = (): void => undefined;

export interface ForwardedDataSet {
  /** What the consumer reads. Destroying it drops the rest of the data set, which still drains. */
  readonly stream: Readable;
  readonly complete: Promise<void>;
  /** Connects the association's stream once the first data fragment arrived. */
  attach(source: Readable): void;
  /** The association ended before the data set began. */
  fail(error: Error): void;
}

export function forwardedDataSet(highWaterMark: number): ForwardedDataSet {
  let resolve!: () => void;
  let reject!: (e: Error) => void;
  const complete = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  complete.catch(noop);
  let source: Readable | undefined;
  const stream = new Readable({ highWaterMark, read: () => source?.resume() });
  // The consumer may never listen for errors (a handler that returned early).
  stream.on('error', noop);
  // A consumer that gave up: keep reading the source so its end is seen and the socket flows.
  stream.once('close', () => source?.resume());
  return {
    stream,
    complete,
    attach(s) {
      source = s;
      s.on('data', (chunk: Buffer) => {
        if (!stream.destroyed && !stream.push(chunk)) s.pause();
      });
      s.once('end', () => {
        if (!stream.destroyed) stream.push(null);
        resolve();
      });
      s.once('error', (err) => {
        stream.destroy(err);
        reject(err);
      });
      if (stream.destroyed) s.resume();
    },
    fail(error) {
      stream.destroy(error);
      reject(error);
    },
  };
}

export interface CollectedDataSet {
  readonly bytes: Promise<Buffer>;
  attach(source: Readable): void;
  fail(error: Error): void;
}

/** Reads a data set whole; more than `maxLength` bytes fails with DimseProtocolError. */
export function collectedDataSet(maxLength: number, onTooLarge: (error: DimseProtocolError) => void): CollectedDataSet {
  let resolve!: (b: Buffer) => void;
  let reject!: (e: Error) => void;
  const bytes = new Promise<Buffer>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  bytes.catch(noop);
  return {
    bytes,
    attach(source) {
      const chunks: Buffer[] = [];
      let length = 0;
      source.on('data', (chunk: Buffer) => {
        length += chunk.length;
        if (length > maxLength) {
          const error = new DimseProtocolError(`data set longer than ${maxLength} bytes`);
          source.destroy();
          reject(error);
          onTooLarge(error);
          return;
        }
        chunks.push(chunk);
      });
      source.once('end', () => resolve(Buffer.concat(chunks, length)));
      source.once('error', reject);
    },
    fail: reject,
  };
}
