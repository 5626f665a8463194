export { Infrastructure, databaseOptions } from './infrastructure';
export { runServices, main, EXIT_CONFIG, type RunOptions, type RunningProcess } from './run-services';
export type { ServiceContext, PacsService } from './service-context';
export { ensureIngestStream, indexerBacklog } from './ingest-stream';
export { runJob, jobMain, UsageError, EXIT_USAGE, type PacsJob, type RunJobOptions } from './run-job';
export {
  AeMapSource, aeMapSubjects, serveAeMap, announceAeMapChanged, seedConfiguredAeMap, databaseAeMapLoader, busAeMapLoader, encodeAeMap, decodeAeMap, AE_MAP_QUEUE_GROUP,
  type AeMapLoader, type AeMapSourceOptions, type AeMapSubjects,
} from './ae-map-source';
export { StoreScp, type IncomingStore, type StoreOutcome, type StoreScpOptions, type StoreScpMetrics } from './ingest/store-scp';
export { part10Bytes, part10DataSet, part10Object, StoredObjectError } from './ingest/part10-data-set';
export { importedDataSet } from './ingest/imported-data-set';
