import type { ClaimedJob } from '@pacs/persistence';

/** Kinds of archive jobs (archive_job.kind). */
export const JOB_KINDS = {
  mirror: 'mirror',
  moveStudy: 'move-study',
  cleanupStudy: 'cleanup-study',
  verify: 'verify',
  forward: 'forward',
  regen: 'regen',
} as const;

/** What a job run ended with when it did not throw. */
export type JobOutcome =
  | { kind: 'done' }
  /** Not finished: run again after delayMs with this payload, without counting an attempt (a grace period, the next phase). */
  | { kind: 'later'; delayMs: number; payload: Record<string, unknown> };

export const DONE: JobOutcome = { kind: 'done' };

/** A failed attempt; `payload` replaces the job's (what is left to do) for the next one. */
export class JobAttemptError extends Error {
  override readonly name = 'JobAttemptError';
  constructor(
    message: string,
    readonly payload?: Record<string, unknown>,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A job that can never succeed (its input makes no sense): failed at once, no retries. */
export class PermanentJobError extends Error {
  override readonly name = 'PermanentJobError';
}

export interface JobHandler {
  kind: string;
  /** Runs one attempt; `signal` aborts when the lease is lost or the archiver stops. */
  run(job: ClaimedJob, signal: AbortSignal): Promise<JobOutcome>;
  /** Wait before the next attempt after a failed one. */
  retryDelayMs(job: ClaimedJob): number;
}
