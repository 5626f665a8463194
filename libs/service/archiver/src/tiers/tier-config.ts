import { InvalidTierConfigError, planTiers, type TierPlan } from '@pacs/domain';
import { ConfigError, type PacsConfig } from '@pacs/platform';

/** The tiers of the configuration, checked: a bad combination stops the archiver naming the key. */
export function tierPlanOf(config: PacsConfig): TierPlan {
  try {
    return planTiers({ ingestTier: config.ingest.tier, tiers: config.storage.tiers, nightlyMove: config.archiver.nightlyMove });
  } catch (err) {
    if (err instanceof InvalidTierConfigError) throw new ConfigError(err.key, err.reason);
    throw err;
  }
}

/** Primary tiers in the order copies are read from: the ingest tier first. */
export function readOrder(plan: TierPlan, ingestTier: string): string[] {
  return [ingestTier, ...plan.primaries.filter((t) => t !== ingestTier), ...plan.mirrors, ...plan.nearlines];
}
