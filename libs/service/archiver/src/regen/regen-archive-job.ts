// Regen as an archive job (issue 7, POST /api/regen): the same runRegen as apps/regen, run by
// whichever archiver claims the 'regen' job, so it survives the admin-api request and shows in
// GET /api/jobs (queued, running, done or failed with the count of unannounceable objects).
// The job is done once every object is announced; the indexers index them afterwards.
import type { ClaimedJob } from '@pacs/persistence';
import type { ServiceContext } from '@pacs/runtime';
import { DONE, JOB_KINDS, PermanentJobError, type JobHandler, type JobOutcome } from '../jobs/job-handler';
import { announcingFor } from './announcing';
import { runRegen } from './regen';

/** archive_job.target of a regen: the whole archive, or one study. */
export function regenTarget(studyInstanceUid?: string): string {
  return studyInstanceUid ? `regen:study:${studyInstanceUid}` : 'regen:all';
}

export class RegenArchiveJob implements JobHandler {
  readonly kind = JOB_KINDS.regen;

  constructor(
    private readonly ctx: ServiceContext,
    private readonly retryDelayMsValue: number,
  ) {}

  retryDelayMs(): number {
    return this.retryDelayMsValue;
  }

  async run(job: ClaimedJob, signal: AbortSignal): Promise<JobOutcome> {
    const study = job.payload['studyInstanceUid'];
    if (study !== undefined && typeof study !== 'string') throw new PermanentJobError('payload.studyInstanceUid must be a UID');
    const logger = this.ctx.logger.child({ job: 'regen', jobId: job.id });
    const { announcer, counted } = await announcingFor(this.ctx, 'regen');
    const result = await runRegen({ store: await this.ctx.infra.objectStore(), announcer, logger, counted }, {
      ...(study ? { studyInstanceUid: study } : {}),
      keyTemplate: this.ctx.config.ingest.keyTemplate,
      concurrency: this.ctx.config.regen.concurrency,
      progressEvery: this.ctx.config.regen.progressEvery,
      signal,
    });
    logger.info({ ...result }, 'regen job finished');
    // Objects that cannot be read now will not be readable on a retry of the whole listing either.
    if (result.failed > 0) throw new PermanentJobError(`${result.failed} of ${result.scanned} stored objects could not be announced (see the archiver log)`);
    return DONE;
  }
}
