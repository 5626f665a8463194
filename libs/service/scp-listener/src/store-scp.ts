// The durable store path is shared with STOW-RS (admin-api) and lives in @pacs/runtime.
export { StoreScp, type IncomingStore, type StoreOutcome, type StoreScpOptions, type StoreScpMetrics } from '@pacs/runtime';
