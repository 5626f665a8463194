export { ROOT, buildApp, startPacsProcess, type PacsProcess } from './pacs-process';
export { makeDataset, type DatasetShape, type GeneratedInstance } from './make-dataset';
export { startS3rver, S3RVER_CREDENTIALS, type RunningS3 } from './s3rver';
