export * from './ingest';
export * from './index-model';
export * from './ae-map';
