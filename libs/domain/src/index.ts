export * from './ingest';
export * from './index-model';
export * from './ae-map';
export * from './import-rules';
export * from './query';
export * from './tiers';
export * from './forwarding';
