export { createDataSource, openDatabase, pingDatabase, pendingSchemaChanges, type DatabaseOptions } from './data-source';
export { TypeOrmSettingsRepository, type SettingsRepository } from './repositories/settings.repository';
export { TypeOrmIndexRepository } from './repositories/typeorm-index.repository';
export { TypeOrmStoredObjectIndex, type StoredObjectIndex } from './repositories/stored-object-index';
export { AdvisoryLeaderLock } from './leader-lock';
export type {
  IndexRepository, UpsertInstanceInput, UpsertInstanceResult, UpsertOutcome, ObjectLocationInput, InstanceReceipt,
  StoredObjectRef, ObjectLocation, ObjectLocationStatus, DeletedStudy,
} from './repositories/index.repository';
export { TypeOrmQueryRepository } from './repositories/typeorm-query.repository';
export type { QueryRepository, QuerySettings } from './repositories/query.repository';
export { STUDY_SORT_ORDERS, type StudySortOrder } from './repositories/query-sql';
export type { DataSource } from 'typeorm';
export {
  TypeOrmJobQueue,
  type JobQueue, type NewJob, type ClaimedJob, type JobCount, type JobRow, type JobState,
} from './repositories/archive-job-queue';
export {
  TierLocationRepository,
  type TierLocation, type StoredInstance, type TierUsage, type StudyUsage, type VerifyReport, type SampledLocation,
} from './repositories/tier-locations';
export { ArchiveOutbox, type NewLocationEvent } from './repositories/archive-outbox';
export { ForwardRuleRepository, type StoredForwardRule } from './repositories/forward-rules.repository';
