import { studyKeyPrefix } from '@pacs/domain';
import type { Logger } from '@pacs/platform';
import type { ObjectStore } from '@pacs/storage';
import { forEachBounded } from './bounded';
import { UnannounceableObjectError, type StoredObjectAnnouncer } from './stored-object-announcer';

export interface RegenOptions {
  /** Only this study; listed by its key prefix when the key template allows, else filtered by header. */
  studyInstanceUid?: string;
  keyTemplate: string;
  concurrency: number;
  progressEvery: number;
  signal?: AbortSignal;
}

export interface RegenResult {
  /** Objects listed. */
  scanned: number;
  announced: number;
  /** Listed but not announced on purpose: of another study, or deleted meanwhile. */
  skipped: number;
  /** Objects that could not be read or announced (each logged with its key). */
  failed: number;
}

export type RegenOutcome = 'announced' | 'skipped' | 'failed';

export interface RegenDeps {
  store: ObjectStore;
  announcer: StoredObjectAnnouncer;
  logger: Logger;
  /** Called once per object (the pacs_regen_objects_total metric). */
  counted?: (outcome: RegenOutcome) => void;
}

/**
 * Conquest's "regen": the index rebuilt from storage, the system of record. Every object
 * (or one study's) is re-announced as instance.received and the indexer does the work, so a
 * regen of an intact index changes nothing. The listing streams; at most `concurrency`
 * objects are read at once; progress is logged every `progressEvery` objects.
 */
export async function runRegen(deps: RegenDeps, options: RegenOptions): Promise<RegenResult> {
  const { store, announcer, logger } = deps;
  const result: RegenResult = { scanned: 0, announced: 0, skipped: 0, failed: 0 };
  const study = options.studyInstanceUid;
  const prefix = study === undefined ? '' : studyKeyPrefix(options.keyTemplate, study) ?? '';
  logger.info({ study, prefix, byHeader: study !== undefined && prefix === '' }, 'regen started');
  const count = (outcome: RegenOutcome) => {
    result[outcome === 'announced' ? 'announced' : outcome === 'skipped' ? 'skipped' : 'failed']++;
    deps.counted?.(outcome);
  };
  const started = Date.now();
  await forEachBounded(store.list(prefix), options.concurrency, async (entry) => {
    result.scanned++;
    try {
      const outcome = await announcer.announce(entry, study === undefined ? {} : { studyInstanceUid: study }, options.signal);
      count(outcome.outcome);
    } catch (err) {
      count('failed');
      logger.warn({ key: entry.key, err: err instanceof UnannounceableObjectError ? err.message : err }, 'stored object not announced');
    }
    if ((result.announced + result.skipped + result.failed) % options.progressEvery === 0) {
      logger.info({ ...result, perSecond: Math.round(result.scanned / Math.max((Date.now() - started) / 1000, 0.001)) }, 'regen progress');
    }
  }, options.signal);
  logger.info({ ...result, aborted: options.signal?.aborted ?? false }, 'regen finished');
  return result;
}
