export { createDataSource, openDatabase, pingDatabase, pendingSchemaChanges, type DatabaseOptions } from './data-source';
export { TypeOrmSettingsRepository, type SettingsRepository } from './repositories/settings.repository';
export type { DataSource } from 'typeorm';
