export { Infrastructure, databaseOptions } from './infrastructure';
export { runServices, main, EXIT_CONFIG, type RunOptions, type RunningProcess } from './run-services';
export type { ServiceContext, PacsService } from './service-context';
export { ensureIngestStream, indexerBacklog } from './ingest-stream';
export { runJob, jobMain, UsageError, EXIT_USAGE, type PacsJob, type RunJobOptions } from './run-job';
