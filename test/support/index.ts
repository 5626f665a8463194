export { ROOT, buildApp, startPacsProcess, type PacsProcess } from './pacs-process';
export { makeDataset, type DatasetShape, type GeneratedInstance } from './make-dataset';
export { startS3rver, putCutOff, S3RVER_CREDENTIALS, type RunningS3 } from './s3rver';
export { freePort } from './free-port';
export { spawnServer, ServerStartError, type ServerProcess } from './server-process';
export { startPrivateNats, type PrivateNats } from './private-nats';
export { startPrivatePostgres, PostgresUnavailableError, type PrivatePostgres } from './private-postgres';
export { startRestartableS3rver, type RestartableS3 } from './restartable-s3rver';
export {
  runStorescu, storescuInParallel, isAcknowledged,
  type StorescuOutcome, type StorescuFileResult, type StorescuOptions, type StorescuRun,
} from './storescu';
export { makeMalformedInstances, MALFORMED_KINDS, type MalformedInstance } from './malformed-instances';
export { TEST_PG_URL, tempPostgresSchema, tempPglite, type TempDatabase } from '@pacs/persistence/testing';
export { adminHttp, storeAndWaitIndexed, waitFor, type AdminHttp, type AdminRequest } from './admin-http';
