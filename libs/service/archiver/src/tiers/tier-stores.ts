import type { ObjectStore } from '@pacs/storage';

/** The object store of a tier (Infrastructure.tierStore). */
export type TierStores = (tier: string) => Promise<ObjectStore>;
