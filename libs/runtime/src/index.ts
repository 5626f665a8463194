export { Infrastructure, databaseOptions } from './infrastructure';
export { runServices, main, EXIT_CONFIG, type RunOptions, type RunningProcess } from './run-services';
export type { ServiceContext, PacsService } from './service-context';
export { ensureIngestStream } from './ingest-stream';
