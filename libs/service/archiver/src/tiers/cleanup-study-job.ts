// Threshold cleanup of one study on one tier (Conquest NightlyCleanThreshold): its copies there
// stop being offered (deleting) where another tier holds an ok copy, and after the grace period
// their bytes and rows go. A copy that is the only usable one is never removed.
import { nextCleanupStep } from '@pacs/domain';
import type { ClaimedJob, TierLocationRepository } from '@pacs/persistence';
import type { Logger } from '@pacs/platform';
import { DONE, JOB_KINDS, PermanentJobError, type JobHandler, type JobOutcome } from '../jobs/job-handler';
import type { TierStores } from './tier-stores';

export interface CleanupStudyPayload {
  studyInstanceUid: string;
  tier: string;
  phase: 'mark' | 'release';
}

export const cleanupTarget = (studyInstanceUid: string, tier: string): string => `${studyInstanceUid}@${tier}`;

export class CleanupStudyJob implements JobHandler {
  readonly kind = JOB_KINDS.cleanupStudy;

  constructor(
    private readonly locations: TierLocationRepository,
    private readonly stores: TierStores,
    private readonly options: { deleteGraceMs: number; retryDelayMs: number },
    private readonly logger: Logger,
  ) {}

  retryDelayMs(): number {
    return this.options.retryDelayMs;
  }

  async run(job: ClaimedJob, signal: AbortSignal): Promise<JobOutcome> {
    const payload = job.payload as unknown as CleanupStudyPayload;
    if (typeof payload.studyInstanceUid !== 'string' || typeof payload.tier !== 'string') throw new PermanentJobError('cleanup job without studyInstanceUid and tier');
    const store = await this.stores(payload.tier);
    let awaitingRelease = 0;
    let kept = 0;
    for (const instance of await this.locations.instancesOfStudy(payload.studyInstanceUid)) {
      signal.throwIfAborted();
      const here = instance.locations.find((l) => l.tier === payload.tier);
      const okElsewhere = instance.locations.filter((l) => l.tier !== payload.tier && l.status === 'ok').length;
      switch (nextCleanupStep(here?.status, okElsewhere)) {
        case 'mark':
          if (await this.locations.setStatus(instance.instanceId, payload.tier, ['ok'], 'deleting')) awaitingRelease++;
          break;
        case 'release':
          if (payload.phase === 'mark') {
            awaitingRelease++;
            break;
          }
          await store.delete((here as { key: string }).key);
          await this.locations.dropLocation(instance.instanceId, payload.tier);
          break;
        case 'restore':
          await this.locations.setStatus(instance.instanceId, payload.tier, ['deleting'], 'ok');
          kept++;
          break;
        case 'keep':
          kept++;
          break;
        case 'done':
          break;
      }
    }
    if (kept > 0) this.logger.warn({ study: payload.studyInstanceUid, tier: payload.tier, kept }, 'copies kept: no verified copy on another tier');
    if (payload.phase === 'mark' && awaitingRelease > 0) return { kind: 'later', delayMs: this.options.deleteGraceMs, payload: { ...payload, phase: 'release' } };
    return DONE;
  }
}
