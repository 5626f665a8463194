// Shared with WADO/STOW-RS (admin-api): lives in @pacs/runtime with the durable store path.
export { part10DataSet, StoredObjectError } from '@pacs/runtime';
