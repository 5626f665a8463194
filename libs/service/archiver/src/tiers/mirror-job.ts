// Mirror (Conquest MIRROR devices): every object on a primary tier gets a copy on each mirror
// tier. The row appears as copying first, and is offered (ok) only once the copy's digest was
// verified; the job is keyed by instance and mirror tier, so it exists once while pending.
import type { ClaimedJob, TierLocationRepository } from '@pacs/persistence';
import { DONE, JOB_KINDS, PermanentJobError, type JobHandler, type JobOutcome } from '../jobs/job-handler';
import { copyVerified } from './object-copy';
import type { TierStores } from './tier-stores';

export interface MirrorPayload {
  instanceId: string;
  tier: string;
}

export const mirrorTarget = (instanceId: string, tier: string): string => `${instanceId}>${tier}`;

export class MirrorJob implements JobHandler {
  readonly kind = JOB_KINDS.mirror;

  constructor(
    private readonly locations: TierLocationRepository,
    private readonly stores: TierStores,
    /** Tiers to copy from, preferred first. */
    private readonly sources: readonly string[],
    private readonly retryDelay: number,
  ) {}

  retryDelayMs(): number {
    return this.retryDelay;
  }

  async run(job: ClaimedJob): Promise<JobOutcome> {
    const { instanceId, tier } = job.payload as unknown as MirrorPayload;
    if (typeof instanceId !== 'string' || typeof tier !== 'string') throw new PermanentJobError('mirror job without instanceId and tier');
    const instance = await this.locations.instance(instanceId);
    if (!instance) return DONE; // deleted meanwhile
    const here = instance.locations.find((l) => l.tier === tier);
    if (here?.status === 'ok' || here?.status === 'deleting') return DONE;
    const source = this.sources
      .map((t) => instance.locations.find((l) => l.tier === t && l.status === 'ok'))
      .find((l) => l !== undefined);
    if (!source) throw new Error(`instance ${instance.sopInstanceUid} has no readable copy to mirror from`);
    const started = here ? await this.locations.restartCopy(instanceId, tier, source.key) : (await this.locations.beginCopy(instanceId, tier, source.key, source.digest, source.size)) === 'started';
    if (!started) return DONE; // another worker finished it meanwhile
    const [from, to] = await Promise.all([this.stores(source.tier), this.stores(tier)]);
    await copyVerified(from, to, { key: source.key, digest: source.digest, size: source.size, tier });
    if (!(await this.locations.markCopied(instanceId, tier, source.key))) {
      // The instance was replaced or deleted while we copied: this copy belongs to nothing.
      const now = await this.locations.instance(instanceId);
      if (!now?.locations.some((l) => l.tier === tier && l.key === source.key)) await to.delete(source.key);
    }
    return DONE;
  }
}
