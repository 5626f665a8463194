export * from './instance-received';
export * from './storage-key';
