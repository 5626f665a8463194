export { createDataSource, openDatabase, pingDatabase, pendingSchemaChanges, type DatabaseOptions } from './data-source';
export { TypeOrmSettingsRepository, type SettingsRepository } from './repositories/settings.repository';
export { TypeOrmIndexRepository } from './repositories/typeorm-index.repository';
export type {
  IndexRepository, UpsertInstanceInput, UpsertInstanceResult, UpsertOutcome, ObjectLocationInput, InstanceReceipt,
  StoredObjectRef, ObjectLocation, ObjectLocationStatus, DeletedStudy,
} from './repositories/index.repository';
export type { DataSource } from 'typeorm';
