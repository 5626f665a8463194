// The status page's storage tiers: the configured ones (storage.tiers, and ingest.tier on the
// default store when not listed) joined with what the index holds on each. Pure, tested in test/ui.
import type { StorageTierConfig, TierUsage } from './api/types';

export interface TierRow {
  name: string;
  role: string;
  store: string;
  cleanupThresholdBytes: number | undefined;
  objects: number | undefined;
  bytes: number | undefined;
}

export function tierRows(config: { ingestTier?: string | undefined; defaultStore?: string | undefined; tiers: StorageTierConfig[] }, usage: TierUsage[] | undefined): TierRow[] {
  const used = new Map((usage ?? []).map((u) => [u.tier, u]));
  const store = config.defaultStore ?? 'default';
  const configured: TierRow[] = config.tiers.map((t) => ({
    name: t.name,
    role: t.name === config.ingestTier ? `${t.role} (ingest)` : t.role,
    store: t.driver ?? store,
    cleanupThresholdBytes: t.cleanupThresholdBytes,
    objects: undefined,
    bytes: undefined,
  }));
  if (config.ingestTier && !config.tiers.some((t) => t.name === config.ingestTier)) {
    configured.unshift({ name: config.ingestTier, role: 'primary (ingest)', store, cleanupThresholdBytes: undefined, objects: undefined, bytes: undefined });
  }
  // Tiers with objects but no longer configured still show, so their bytes are not hidden.
  for (const u of usage ?? []) {
    if (!configured.some((r) => r.name === u.tier)) configured.push({ name: u.tier, role: 'not configured', store: '', cleanupThresholdBytes: undefined, objects: undefined, bytes: undefined });
  }
  return configured.map((r) => {
    const u = used.get(r.name);
    return usage ? { ...r, objects: u?.objects ?? 0, bytes: u?.bytes ?? 0 } : r;
  });
}
