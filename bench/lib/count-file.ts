// The answered-C-STORE counter of a benchmark SCP peer (bench/null-scp.ts, bench/node-floor-scp.ts),
// written to PEER_DIR/stored-count for bench/count.sh at most every 200 ms, off the receive path:
// the write runs on libuv's thread pool (a synchronous write blocked the event loop for tens of
// ms whenever the disk was busy), aside and renamed so count.sh never reads half a file. On
// SIGTERM/SIGINT the last count is written, then `close` runs and the process exits.
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export function publishStoredCount(name: string, stored: () => number, close: () => Promise<void>): void {
  const countFile = process.env['PEER_DIR'] ? join(process.env['PEER_DIR'], 'stored-count') : undefined;
  let written = -1;
  let flushing: Promise<void> | undefined;
  const flush = (): Promise<void> => {
    const value = stored();
    if (!countFile || written === value || flushing) return flushing ?? Promise.resolve();
    flushing = writeFile(`${countFile}.tmp`, `${value}\n`)
      .then(() => rename(`${countFile}.tmp`, countFile))
      .then(
        () => {
          written = value;
          flushing = undefined;
        },
        (err: unknown) => {
          flushing = undefined;
          console.error(`${name}: cannot write ${countFile}: ${String(err)}`);
        },
      );
    return flushing;
  };
  void flush();
  setInterval(() => void flush(), 200).unref();
  const stop = (): void => {
    // The write in flight (if any), then the final count.
    void flush()
      .then(() => flush())
      .then(close)
      .then(
        () => process.exit(0),
        () => process.exit(1),
      );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
