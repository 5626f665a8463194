export { archiverService } from './archiver.service';
export { regenJob } from './regen/regen-job';
export { parseRegenArgs, REGEN_USAGE, type RegenArgs } from './regen/regen-args';
export { runRegen, type RegenDeps, type RegenOptions, type RegenResult, type RegenOutcome } from './regen/regen';
export { StoredObjectAnnouncer, UnannounceableObjectError, type AnnounceOutcome, type PreparedAnnouncement, type StoredObjectAnnouncerOptions } from './regen/stored-object-announcer';
export { IndexerBacklog } from './regen/indexer-backlog';
export { announcingFor, type Announcing } from './regen/announcing';
export { Reconciler, RECONCILER_SETTINGS, requestFullSweep, type ReconcilerDeps, type ReconcilerOptions, type SweepResult } from './reconciler/reconciler';
export { ReconcilerLoop, RECONCILER_LOCK_KEY } from './reconciler/reconciler-loop';
