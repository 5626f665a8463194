// The leader's part of the archiver (one replica at a time, PostgreSQL advisory lock): decides
// which studies the nightly move and the threshold cleanup take, when to verify, and which
// instances still lack a mirror copy, and enqueues jobs for them. Any replica then works the
// jobs. Deciding twice is harmless (one pending job per target), so a leader change is too.
import { localDay, nightlyRunDue, studiesToRelease, type TierPlan } from '@pacs/domain';
import type { AdvisoryLeaderLock, JobQueue, SettingsRepository, TierLocationRepository } from '@pacs/persistence';
import type { Logger } from '@pacs/platform';
import { JOB_KINDS } from '../jobs/job-handler';
import { abortableSleep } from '../regen/abortable-sleep';
import { cleanupTarget, type CleanupStudyPayload } from './cleanup-study-job';
import { mirrorTarget } from './mirror-job';
import { moveTarget, type MoveStudyPayload } from './move-study-job';

/** Key of the archive scheduler's advisory lock ("PACSARC1"). */
export const ARCHIVE_SCHEDULER_LOCK_KEY = 0x5041435341524331n;
export const NIGHTLY_MOVE_LAST_RUN = 'archiver.nightlyMove.lastRunDay';
export const VERIFY_LAST_RUN = 'archiver.verify.lastRunAt';

/** Finished jobs removed per statement, and statements per scheduler round at most. */
const PRUNE_BATCH = 5_000;
const PRUNE_BATCHES_PER_ROUND = 20;

/** Studies looked at per decision; a larger excess is worked off on the following runs. */
const STUDY_WINDOW = 10_000;
const MIRROR_BACKFILL_BATCH = 1_000;

export interface SchedulerOptions {
  intervalMs: number;
  nightlyMoveAt: string;
  cleanupIntervalMs: number;
  /** Finished jobs older than this are removed. */
  jobRetentionMs: number;
  verifyIntervalMs: number;
  maxAttempts: number;
}

export class ArchiveScheduler {
  private readonly stopping = new AbortController();
  private loop: Promise<void> | undefined;
  private lastCleanup = 0;

  constructor(
    private readonly plan: TierPlan,
    private readonly deps: { queue: JobQueue; locations: TierLocationRepository; settings: SettingsRepository; lock: AdvisoryLeaderLock },
    private readonly options: SchedulerOptions,
    private readonly logger: Logger,
    private readonly now: () => Date = () => new Date(),
  ) {}

  start(): void {
    this.loop ??= (async () => {
      while (!this.stopping.signal.aborted) {
        await this.tick();
        await abortableSleep(this.options.intervalMs, this.stopping.signal);
      }
    })();
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await this.loop;
    await this.deps.lock.release();
  }

  /** One round of decisions, when this replica leads. */
  async tick(): Promise<void> {
    try {
      if (!(await this.deps.lock.acquire())) return;
      await this.mirrorBackfill();
      await this.nightlyMove();
      const now = this.now().getTime();
      if (this.plan.cleanups.length > 0 && now - this.lastCleanup >= this.options.cleanupIntervalMs) {
        this.lastCleanup = now;
        for (const cleanup of this.plan.cleanups) await this.cleanup(cleanup.tier, cleanup.thresholdBytes);
      }
      await this.verifyIfDue();
      await this.pruneFinishedJobs();
    } catch (err) {
      this.logger.warn({ err }, 'archive scheduling failed; trying again at the next interval');
    }
  }

  /**
   * The digest check of stored copies, every verifyIntervalMs. The time of the last one is kept
   * in the database, so a restart or a leader change (a rolling update) does not read the sample
   * of objects again; a new archive starts counting at its first start, having nothing old to check.
   */
  private async verifyIfDue(): Promise<void> {
    if (this.options.verifyIntervalMs <= 0) return;
    const now = this.now();
    const last = Date.parse(await this.deps.settings.setIfAbsent(VERIFY_LAST_RUN, now.toISOString()));
    if (now.getTime() - last < this.options.verifyIntervalMs) return;
    await this.deps.queue.enqueue({ kind: JOB_KINDS.verify, target: 'verify', payload: { requestedAt: localDay(now) }, maxAttempts: this.options.maxAttempts, delayMs: 0 });
    await this.deps.settings.set(VERIFY_LAST_RUN, now.toISOString());
  }

  /** Jobs finished longer ago than the retention go, a bounded number per round (a backlog is worked off over the next rounds). */
  private async pruneFinishedJobs(): Promise<void> {
    let removed = 0;
    for (let i = 0; i < PRUNE_BATCHES_PER_ROUND; i++) {
      const n = await this.deps.queue.removeFinished(this.options.jobRetentionMs, PRUNE_BATCH);
      removed += n;
      if (n < PRUNE_BATCH) break;
    }
    if (removed > 0) this.logger.info({ removed, retentionMs: this.options.jobRetentionMs }, 'finished archive jobs removed');
  }

  /** Objects indexed before a mirror tier existed (or whose mirror copy went missing) get their copy. */
  private async mirrorBackfill(): Promise<void> {
    for (const mirror of this.plan.mirrors) {
      // From primaries and from nearline: a moved object keeps its mirror copy too.
      const ids = await this.deps.locations.instancesWithoutCopy(mirror, [...this.plan.primaries, ...this.plan.nearlines], MIRROR_BACKFILL_BATCH);
      let added = 0;
      for (const instanceId of ids) {
        if (await this.deps.queue.enqueue({ kind: JOB_KINDS.mirror, target: mirrorTarget(instanceId, mirror), payload: { instanceId, tier: mirror }, maxAttempts: this.options.maxAttempts, delayMs: 0 })) added++;
      }
      if (added > 0) this.logger.info({ tier: mirror, added }, 'mirror copies queued for objects without one');
    }
  }

  private async nightlyMove(): Promise<void> {
    const move = this.plan.nightlyMove;
    if (!move) return;
    const decision = nightlyRunDue(this.options.nightlyMoveAt, this.now(), await this.deps.settings.get<string>(NIGHTLY_MOVE_LAST_RUN));
    if (!decision.due) return;
    await this.deps.settings.set(NIGHTLY_MOVE_LAST_RUN, decision.day);
    const used = await this.deps.locations.bytesOn(move.source);
    if (used <= move.thresholdBytes) {
      this.logger.info({ tier: move.source, bytes: used, thresholdBytes: move.thresholdBytes }, 'nightly move: below the threshold, nothing to move');
      return;
    }
    const studies = studiesToRelease(await this.deps.locations.studiesOn(move.source, STUDY_WINDOW), used, move.thresholdBytes);
    for (const study of studies) {
      const payload: MoveStudyPayload = { studyInstanceUid: study.studyInstanceUid, source: move.source, target: move.target, phase: 'copy' };
      await this.deps.queue.enqueue({ kind: JOB_KINDS.moveStudy, target: moveTarget(study.studyInstanceUid, move.target), payload: { ...payload }, maxAttempts: this.options.maxAttempts, delayMs: 0 });
    }
    this.logger.info({ source: move.source, target: move.target, bytes: used, thresholdBytes: move.thresholdBytes, studies: studies.length }, 'nightly move: studies queued');
  }

  private async cleanup(tier: string, thresholdBytes: number): Promise<void> {
    const used = await this.deps.locations.bytesOn(tier);
    if (used <= thresholdBytes) return;
    const studies = studiesToRelease(await this.deps.locations.studiesOn(tier, STUDY_WINDOW), used, thresholdBytes);
    for (const study of studies) {
      const payload: CleanupStudyPayload = { studyInstanceUid: study.studyInstanceUid, tier, phase: 'mark' };
      await this.deps.queue.enqueue({ kind: JOB_KINDS.cleanupStudy, target: cleanupTarget(study.studyInstanceUid, tier), payload: { ...payload }, maxAttempts: this.options.maxAttempts, delayMs: 0 });
    }
    this.logger.info({ tier, bytes: used, thresholdBytes, studies: studies.length }, 'threshold cleanup: studies queued');
  }
}
