// Storage tiers as the archiver uses them (Conquest MAG / MIRROR / nightly-move devices on
// object storage): which tiers exist, their roles, and which of them the nightly move and the
// threshold cleanup work on. Checked once at start; a bad combination names its config key.

export type TierRole = 'primary' | 'mirror' | 'nearline';

/** One configured tier (the storage.tiers entry shape, store details left out). */
export interface TierDeclaration {
  name: string;
  role: TierRole;
  /** Whether the tier has a store of its own (storage.tiers[i].driver), or lives in the default store. */
  driver?: 'filesystem' | 's3' | undefined;
  filesystem?: { root: string } | undefined;
  s3?: object | undefined;
  cleanupThresholdBytes?: number | undefined;
}

export interface TierPlanInput {
  /** ingest.tier: where the listener writes (the default store). */
  ingestTier: string;
  tiers: readonly TierDeclaration[];
  nightlyMove: { thresholdBytes?: number | undefined; source?: string | undefined; target?: string | undefined };
}

export interface TierInfo {
  name: string;
  role: TierRole;
  /** Lives in the default store (storage.driver) rather than a store of its own. */
  defaultStore: boolean;
}

export interface NightlyMovePlan {
  source: string;
  target: string;
  thresholdBytes: number;
}

export interface CleanupPlan {
  tier: string;
  thresholdBytes: number;
}

export interface TierPlan {
  tiers: ReadonlyMap<string, TierInfo>;
  /** Tiers objects arrive on: the ingest tier and every tier declared primary. */
  primaries: readonly string[];
  mirrors: readonly string[];
  nearlines: readonly string[];
  nightlyMove: NightlyMovePlan | undefined;
  cleanups: readonly CleanupPlan[];
}

/** A tier configuration that cannot work; `key` is the config key to fix. */
export class InvalidTierConfigError extends Error {
  override readonly name = 'InvalidTierConfigError';
  constructor(
    readonly key: string,
    readonly reason: string,
  ) {
    super(`${key}: ${reason}`);
  }
}

/** Roles a tier name has (an unlisted name is a primary in the default store: objects a rule sent there). */
export function roleOf(plan: TierPlan, tier: string): TierRole {
  return plan.tiers.get(tier)?.role ?? 'primary';
}

export function planTiers(input: TierPlanInput): TierPlan {
  const tiers = new Map<string, TierInfo>();
  input.tiers.forEach((t, i) => {
    const at = `storage.tiers[${i}]`;
    if (tiers.has(t.name)) throw new InvalidTierConfigError(`${at}.name`, `tier ${t.name} is listed twice`);
    if (t.driver === 'filesystem' && !t.filesystem) throw new InvalidTierConfigError(`${at}.filesystem.root`, 'required when driver is filesystem');
    if (t.driver === 's3' && !t.s3) throw new InvalidTierConfigError(`${at}.s3`, 'required when driver is s3 (endPoint, bucket, credentials)');
    if (t.driver === undefined && (t.filesystem || t.s3)) throw new InvalidTierConfigError(`${at}.driver`, 'say which store the tier uses: filesystem or s3');
    if (t.name === input.ingestTier && t.role !== 'primary') throw new InvalidTierConfigError(`${at}.role`, `${t.name} is ingest.tier, where objects arrive: its role is primary`);
    if (t.name === input.ingestTier && t.driver !== undefined) {
      throw new InvalidTierConfigError(`${at}.driver`, `${t.name} is ingest.tier, which the listener writes to the default store: configure that store under storage, not here`);
    }
    // A copy "elsewhere" in the same store under the same key is no copy: cleanup would delete the only one.
    if (t.role !== 'primary' && t.driver === undefined) throw new InvalidTierConfigError(`${at}.driver`, `a ${t.role} tier needs a store of its own`);
    // The mirror backfill would copy back at once what a cleanup removed.
    if (t.role === 'mirror' && t.cleanupThresholdBytes !== undefined) throw new InvalidTierConfigError(`${at}.cleanupThresholdBytes`, 'a mirror holds a copy of every object: it is never cleaned up');
    tiers.set(t.name, { name: t.name, role: t.role, defaultStore: t.driver === undefined });
  });
  if (!tiers.has(input.ingestTier)) tiers.set(input.ingestTier, { name: input.ingestTier, role: 'primary', defaultStore: true });

  const named = (role: TierRole) => [...tiers.values()].filter((t) => t.role === role).map((t) => t.name);
  const primaries = named('primary');
  const nearlines = named('nearline');

  let nightlyMove: NightlyMovePlan | undefined;
  const move = input.nightlyMove;
  const source = move.source ?? input.ingestTier;
  if (move.source !== undefined && tiers.get(move.source)?.role !== 'primary') {
    throw new InvalidTierConfigError('archiver.nightlyMove.source', `${move.source} is not a primary tier (known: ${primaries.join(', ')})`);
  }
  if (move.target !== undefined && tiers.get(move.target)?.role !== 'nearline') {
    throw new InvalidTierConfigError('archiver.nightlyMove.target', `${move.target} is not a nearline tier (known: ${nearlines.join(', ') || 'none'})`);
  }
  if (move.thresholdBytes !== undefined) {
    const target = move.target ?? (nearlines.length === 1 ? nearlines[0] : undefined);
    if (target === undefined) {
      throw new InvalidTierConfigError('archiver.nightlyMove.target', nearlines.length === 0 ? 'the nightly move needs a tier with role nearline in storage.tiers' : `several nearline tiers (${nearlines.join(', ')}): name one`);
    }
    nightlyMove = { source, target, thresholdBytes: move.thresholdBytes };
  }
  const cleanups = input.tiers.filter((t) => t.cleanupThresholdBytes !== undefined).map((t) => ({ tier: t.name, thresholdBytes: t.cleanupThresholdBytes as number }));
  return { tiers, primaries, mirrors: named('mirror'), nearlines, nightlyMove, cleanups };
}
