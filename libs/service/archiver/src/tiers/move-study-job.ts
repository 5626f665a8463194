// Nightly move of one study (Conquest NightlyMoveTarget): for each instance, copy source →
// target, verify the digest, switch (target ok, source deleting, one transaction), and after
// the grace period delete the source bytes and drop the source row. Each step is computed from
// the rows (nextMoveStep), so a worker killed anywhere leaves a state the next one continues
// from: always a readable copy, never two rows for one tier.
import { nextMoveStep } from '@pacs/domain';
import type { ClaimedJob, StoredInstance, TierLocationRepository } from '@pacs/persistence';
import type { Logger } from '@pacs/platform';
import { DONE, JOB_KINDS, PermanentJobError, type JobHandler, type JobOutcome } from '../jobs/job-handler';
import { copyVerified } from './object-copy';
import type { TierStores } from './tier-stores';

export interface MoveStudyPayload {
  studyInstanceUid: string;
  source: string;
  target: string;
  /** copy: copy and switch every instance; release: delete the sources (the grace period is over). */
  phase: 'copy' | 'release';
}

export const moveTarget = (studyInstanceUid: string, target: string): string => `${studyInstanceUid}>${target}`;

export class MoveStudyJob implements JobHandler {
  readonly kind = JOB_KINDS.moveStudy;

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
    const payload = job.payload as unknown as MoveStudyPayload;
    if (typeof payload.studyInstanceUid !== 'string' || typeof payload.source !== 'string' || typeof payload.target !== 'string') {
      throw new PermanentJobError('move job without studyInstanceUid, source and target');
    }
    const [from, to] = await Promise.all([this.stores(payload.source), this.stores(payload.target)]);
    const instances = await this.locations.instancesOfStudy(payload.studyInstanceUid);
    let awaitingRelease = 0;
    let moved = 0;
    for (const instance of instances) {
      signal.throwIfAborted();
      const step = this.step(instance, payload);
      if (step === 'copy' || step === 'switch') {
        if (payload.phase === 'release') continue; // arrived after the copy phase: the next move takes it
        const source = this.at(instance, payload.source);
        if (!source) continue;
        if (step === 'copy') await copyVerified(from, to, { key: source.key, digest: source.digest, size: source.size, tier: payload.target });
        signal.throwIfAborted();
        if (await this.locations.switchTo(instance.instanceId, source, { tier: payload.target, key: source.key, digest: source.digest, size: source.size })) {
          moved++;
          awaitingRelease++;
        }
      } else if (step === 'release') {
        if (payload.phase === 'copy') {
          awaitingRelease++;
          continue;
        }
        const source = this.at(instance, payload.source);
        if (!source) continue;
        // Bytes first, then the row: a crash in between leaves a row the next run releases again.
        await from.delete(source.key);
        await this.locations.dropLocation(instance.instanceId, payload.source);
      }
    }
    if (payload.phase === 'copy' && awaitingRelease > 0) {
      this.logger.info({ study: payload.studyInstanceUid, moved, target: payload.target }, 'study copied to the nearline tier; sources released after the grace period');
      return { kind: 'later', delayMs: this.options.deleteGraceMs, payload: { ...payload, phase: 'release' } };
    }
    if (payload.phase === 'release') this.logger.info({ study: payload.studyInstanceUid, target: payload.target }, 'study moved');
    return DONE;
  }

  private at(instance: StoredInstance, tier: string) {
    return instance.locations.find((l) => l.tier === tier);
  }

  private step(instance: StoredInstance, payload: MoveStudyPayload) {
    return nextMoveStep(this.at(instance, payload.source)?.status, this.at(instance, payload.target)?.status);
  }
}
