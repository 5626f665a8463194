// A modality's send queue: storescu runs again for every file it did not see acknowledged
// (no response because the association died, a failure status, never sent), as a modality
// retries the failed items of its queue. What counts is storescu's own verbose output.
import { isAcknowledged, runStorescu, type StorescuFileResult } from '@pacs/testing';

export interface RetriedFile {
  file: string;
  /** The outcome of every attempt, in order; the last one decides. */
  attempts: StorescuFileResult[];
}

export interface RetryLoopOptions {
  port: number;
  files: readonly string[];
  callingAe?: string;
  /** storescu runs at most this many times. */
  maxRuns?: number;
  /** Called whenever storescu acknowledges a file. */
  onAcknowledged?: (file: string) => void;
  /** Called when a storescu run ends (its number, 1-based, and how many files are still pending). */
  onRunEnd?: (run: number, pending: number) => void;
}

export async function storescuWithRetries(options: RetryLoopOptions): Promise<Map<string, RetriedFile>> {
  const outcome = new Map<string, RetriedFile>(options.files.map((file) => [file, { file, attempts: [] }]));
  let pending = [...options.files];
  const maxRuns = options.maxRuns ?? 10;
  for (let run = 1; run <= maxRuns && pending.length > 0; run++) {
    const storescu = runStorescu({
      port: options.port,
      files: pending,
      ...(options.callingAe ? { callingAe: options.callingAe } : {}),
      onResult: (r) => {
        if (isAcknowledged(r)) options.onAcknowledged?.(r.file);
      },
    });
    await storescu.done;
    for (const [file, result] of storescu.results) outcome.get(file)!.attempts.push(result);
    pending = pending.filter((f) => !isAcknowledged(storescu.results.get(f)));
    options.onRunEnd?.(run, pending.length);
    if (pending.length > 0) await new Promise((r) => setTimeout(r, 200 * run));
  }
  return outcome;
}

export const acknowledged = (f: RetriedFile): boolean => isAcknowledged(f.attempts.at(-1));
