// Shared with STOW-RS (admin-api): lives in @pacs/runtime with the durable store path.
export { DataSetEndCheck, checkedToEnd } from '@pacs/runtime';
