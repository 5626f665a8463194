// The disk's share of one acknowledged C-STORE, measured without any DICOM: what it costs to make
// one object of a given size durable the way a filesystem store must before answering success
// (create a temp file, write, fsync, rename into place, fsync the directory: POSIX makes the new
// name durable only then), next to what storescp does (create, write, close: no fsync). One at a
// time, as one association sends them. It is the floor under our C-STORE latency at x1 that no
// code of ours can remove.
import { randomUUID } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';

export interface DurableWriteFloor {
  bytes: number;
  n: number;
  /** create + write + close, per object (storescp's work on the disk). */
  writeOnlyMsP50: number;
  /** create + write + fsync + rename + fsync(dir), per object. */
  durableMsP50: number;
  durableMsMean: number;
}

const p50 = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

async function time(work: () => Promise<void>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

/** n objects of `bytes` each, written under dir (created, and removed afterwards). */
export async function measureDurableWriteFloor(dir: string, bytes: number, n: number): Promise<DurableWriteFloor> {
  const temp = join(dir, 'tmp');
  const series = join(dir, 'study', 'series');
  await mkdir(temp, { recursive: true });
  await mkdir(series, { recursive: true });
  const data = Buffer.alloc(bytes, 0x5a);
  const writeOnly: number[] = [];
  const durable: number[] = [];
  try {
    for (let i = 0; i < n; i++) {
      writeOnly.push(
        await time(async () => {
          const handle = await open(join(series, `plain-${i}.dcm`), 'wx');
          await handle.write(data);
          await handle.close();
        }),
      );
      durable.push(
        await time(async () => {
          const path = join(temp, randomUUID());
          const handle = await open(path, 'wx');
          await handle.write(data);
          await handle.sync();
          await handle.close();
          await rename(path, join(series, `durable-${i}.dcm`));
          const directory = await open(series, 'r');
          await directory.sync();
          await directory.close();
        }),
      );
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return {
    bytes,
    n,
    writeOnlyMsP50: p50(writeOnly),
    durableMsP50: p50(durable),
    durableMsMean: durable.reduce((a, b) => a + b, 0) / durable.length,
  };
}
