import { finished, type Readable } from 'node:stream';

/**
 * Reads a byte stream (a received data set) one chunk at a time, each chunk the Buffer that was
 * pushed, never a copy. A Readable's own async iterator calls read(), which concatenates
 * everything buffered into a new Buffer whenever the consumer fell behind the producer: for a
 * C-STORE written to storage that is a copy of most of the data set (Readable `fromList`,
 * measured at 6% of the embedded PACS's main thread while storing CT images).
 *
 * Backpressure is kept: the stream is paused while a chunk waits for the consumer, so at most
 * one chunk is read ahead. As with the built-in iterator, an error or a close before the end
 * rejects next(), and return() (a consumer that stops early) destroys the stream.
 */
export function chunksOf(stream: Readable): AsyncIterableIterator<Buffer> {
  const queue: Buffer[] = [];
  let ended = false;
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const notify = (): void => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  const onData = (chunk: Buffer): void => {
    queue.push(chunk);
    stream.pause();
    notify();
  };
  stream.on('data', onData);
  const stopWatching = finished(stream, (err) => {
    if (err) failure = err;
    else ended = true;
    notify();
  });
  const release = (): void => {
    stream.off('data', onData);
    stopWatching();
  };

  const iterator: AsyncIterableIterator<Buffer> = {
    async next(): Promise<IteratorResult<Buffer>> {
      for (;;) {
        if (failure) {
          release();
          throw failure;
        }
        const chunk = queue.shift();
        if (chunk !== undefined) {
          // Read the next one while this one is consumed.
          if (queue.length === 0 && !ended) stream.resume();
          return { value: chunk, done: false };
        }
        if (ended) {
          release();
          return { value: undefined, done: true };
        }
        stream.resume();
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
      }
    },
    async return(): Promise<IteratorResult<Buffer>> {
      release();
      queue.length = 0;
      if (!ended) stream.destroy();
      ended = true;
      return { value: undefined, done: true };
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}
