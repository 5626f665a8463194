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
  TypeOrmJobQueue, JOB_STATES,
  type JobQueue, type NewJob, type ClaimedJob, type JobCount, type JobRow, type JobState, type JobView, type JobFilter, type CancelOutcome,
} from './repositories/archive-job-queue';
export {
  TierLocationRepository,
  type TierLocation, type StoredInstance, type TierUsage, type StudyUsage, type VerifyReport, type SampledLocation,
} from './repositories/tier-locations';
export { ArchiveOutbox, type NewLocationEvent, type OutboxNeeds } from './repositories/archive-outbox';
export { ForwardRuleRepository, type StoredForwardRule } from './repositories/forward-rules.repository';
export { AeMapRepository, AeTitleTakenError, type StoredAeMapEntry, type AeMapEntrySource } from './repositories/ae-map.repository';
export { ApiTokenRepository, TokenNameTakenError, API_ROLES, type ApiRole, type ApiToken } from './repositories/api-token.repository';
export { AuditLogRepository, type AuditEntry, type AuditEntryInput, type AuditFilter } from './repositories/audit-log.repository';
export { IndexDeletion, type DeletedEntity } from './repositories/index-deletion';
export {
  BrowseRepository, InvalidSortError, PATIENT_SORT, STUDY_SORT, SERIES_SORT, INSTANCE_SORT,
  type Page, type Paging, type PatientFilter, type StudyFilter, type PatientSummary, type StudySummary, type StudyDetail,
  type SeriesSummary, type InstanceSummary, type ObjectToRead,
} from './repositories/browse.repository';
export {
  ChangeLogRepository, CHANGE_LEVELS, changeJson,
  type Change, type ChangeJson, type ChangeKind, type ChangeLevel, type ChangePage, type PublishRound, type PublishOptions as ChangePublishOptions,
} from './repositories/change-log.repository';
