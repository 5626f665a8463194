// Works archive jobs from the database on any archiver replica: claims due jobs with a lease,
// renews the lease while a job runs, and records the outcome under the lease (a worker that
// lost its lease, paused or partitioned, changes nothing). A worker that dies holds its jobs
// only until their leases run out; then any replica claims them again.
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { ClaimedJob, JobQueue } from '@pacs/persistence';
import type { Logger } from '@pacs/platform';
import { abortableSleep } from '../regen/abortable-sleep';
import { JobAttemptError, PermanentJobError, type JobHandler } from './job-handler';

export interface JobWorkerOptions {
  concurrency: number;
  pollIntervalMs: number;
  leaseMs: number;
}

export interface JobEvents {
  completed?(kind: string): void;
  /** A failed attempt; `final` when no attempt follows. */
  failed?(kind: string, final: boolean): void;
}

export function newWorkerId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
}

export class JobWorker {
  private readonly handlers = new Map<string, JobHandler>();
  private readonly running = new Map<string, Promise<void>>();
  private readonly stopping = new AbortController();
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;

  constructor(
    private readonly queue: JobQueue,
    handlers: readonly JobHandler[],
    private readonly options: JobWorkerOptions,
    private readonly logger: Logger,
    readonly workerId: string = newWorkerId(),
    private readonly events: JobEvents = {},
  ) {
    for (const h of handlers) this.handlers.set(h.kind, h);
  }

  start(): void {
    this.loop ??= this.pollLoop();
  }

  /** Stops claiming, aborts running jobs (they are handed back at once) and waits for them. */
  async stop(): Promise<void> {
    this.stopping.abort();
    this.wake?.();
    await this.loop;
    await Promise.allSettled(this.running.values());
  }

  private async pollLoop(): Promise<void> {
    const signal = this.stopping.signal;
    while (!signal.aborted) {
      let claimedAny = false;
      try {
        const free = this.options.concurrency - this.running.size;
        if (free > 0) {
          const jobs = await this.queue.claim(this.workerId, [...this.handlers.keys()], free, this.options.leaseMs);
          claimedAny = jobs.length > 0;
          for (const job of jobs) {
            const run = this.work(job).finally(() => {
              this.running.delete(job.id);
              this.wake?.();
            });
            this.running.set(job.id, run);
          }
        }
      } catch (err) {
        this.logger.warn({ err }, 'claiming archive jobs failed; trying again');
      }
      // Claim again at once while there is more work and room; otherwise wait for a slot or the interval.
      if (claimedAny && this.running.size < this.options.concurrency) continue;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        void abortableSleep(this.options.pollIntervalMs, signal).then(resolve);
      });
      this.wake = undefined;
    }
  }

  private async work(job: ClaimedJob): Promise<void> {
    const handler = this.handlers.get(job.kind) as JobHandler;
    const log = this.logger.child({ jobId: job.id, kind: job.kind, target: job.target, attempt: job.attempts });
    const abort = new AbortController();
    const onStop = () => abort.abort(new Error('archiver stopping'));
    this.stopping.signal.addEventListener('abort', onStop, { once: true });
    // Renew at a third of the lease, so one slow round trip does not lose it.
    const renewal = setInterval(() => {
      this.queue.renew(job.id, this.workerId, this.options.leaseMs).then(
        (held) => {
          if (!held) abort.abort(new Error('lease lost'));
        },
        (err: unknown) => log.warn({ err }, 'renewing the job lease failed'),
      );
    }, Math.max(250, Math.floor(this.options.leaseMs / 3)));
    try {
      if (job.attempts > job.maxAttempts) {
        // Claimed again after its workers died mid-attempt too often.
        await this.queue.fail(job.id, this.workerId, 'out of attempts (its workers stopped while running it)');
        this.events.failed?.(job.kind, true);
        return;
      }
      log.debug('archive job started');
      const outcome = await handler.run(job, abort.signal);
      if (outcome.kind === 'later') {
        await this.queue.defer(job.id, this.workerId, outcome.delayMs, outcome.payload);
        log.debug({ delayMs: outcome.delayMs }, 'archive job continues later');
        return;
      }
      if (await this.queue.complete(job.id, this.workerId)) {
        this.events.completed?.(job.kind);
        log.info('archive job done');
      } else {
        log.warn('archive job finished after its lease was lost; another worker owns it now');
      }
    } catch (err) {
      if (this.stopping.signal.aborted) {
        // Handed back for another replica, without counting the attempt.
        await this.queue.defer(job.id, this.workerId, 0, job.payload).catch(() => undefined);
        return;
      }
      if (abort.signal.aborted) {
        log.warn({ err }, 'archive job lost its lease');
        return;
      }
      const message = err instanceof Error ? err.message : String(err);
      if (err instanceof PermanentJobError) {
        await this.queue.fail(job.id, this.workerId, message).catch((e: unknown) => log.warn({ err: e }, 'recording the failure failed'));
        this.events.failed?.(job.kind, true);
        log.error({ err }, 'archive job failed for good');
        return;
      }
      const payload = err instanceof JobAttemptError ? err.payload : undefined;
      const delayMs = handler.retryDelayMs(job);
      try {
        const state = await this.queue.retry(job.id, this.workerId, delayMs, message, payload);
        this.events.failed?.(job.kind, state === 'failed');
        if (state === 'failed') log.error({ err }, 'archive job failed; out of attempts');
        else log.warn({ err, retryInMs: delayMs }, 'archive job attempt failed; will retry');
      } catch (e) {
        log.warn({ err: e }, 'recording the failed attempt failed; the lease runs out and the job is claimed again');
      }
    } finally {
      clearInterval(renewal);
      this.stopping.signal.removeEventListener('abort', onStop);
    }
  }
}
