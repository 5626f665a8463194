// Wiring of the tier and forwarding part of the archiver (issue 8): the job worker (every
// replica), the outbox pump (every replica), the scheduler (the leader only) and metrics.
import { compileForwardRules, InvalidForwardRuleError } from '@pacs/domain';
import { AdvisoryLeaderLock, ArchiveOutbox, ForwardRuleRepository, TierLocationRepository, TypeOrmJobQueue, TypeOrmSettingsRepository } from '@pacs/persistence';
import { ConfigError } from '@pacs/platform';
import type { ServiceContext } from '@pacs/runtime';
import { ArchiveMetrics } from './archive-metrics';
import { ForwardJob } from './forwarding/forward-job';
import type { ForwardDestinations } from './forwarding/forward-destinations';
import { ForwardRulesSource } from './forwarding/forward-rules-source';
import { JobWorker } from './jobs/job-worker';
import { LocationEventPump } from './location-events';
import { RegenArchiveJob } from './regen/regen-archive-job';
import { ARCHIVE_SCHEDULER_LOCK_KEY, ArchiveScheduler } from './tiers/archive-scheduler';
import { CleanupStudyJob } from './tiers/cleanup-study-job';
import { MirrorJob } from './tiers/mirror-job';
import { MoveStudyJob } from './tiers/move-study-job';
import { readOrder, tierPlanOf } from './tiers/tier-config';
import { VerifyJob } from './tiers/verify-job';

export async function startArchiveTiers(ctx: ServiceContext): Promise<void> {
  const { config, logger } = ctx;
  const plan = tierPlanOf(config);
  try {
    compileForwardRules(config.archiver.forwardRules);
  } catch (err) {
    if (err instanceof InvalidForwardRuleError) throw new ConfigError(err.path, err.reason);
    throw err;
  }
  const a = config.archiver;
  const db = await ctx.infra.database();
  const locations = new TierLocationRepository(db);
  const queue = new TypeOrmJobQueue(db);
  const outbox = new ArchiveOutbox(db);
  const rulesRepository = new ForwardRuleRepository(db);
  await rulesRepository.seedFromConfig(config.archiver.forwardRules);

  // The live AE map (database table, reloaded on every edit): a destination added through
  // admin-api is used by the next attempt of a job waiting for it, with no restart.
  const aeMap = await ctx.infra.aeMap();
  const destinations: ForwardDestinations = { destination: (aeTitle) => aeMap.current().destination(aeTitle) };
  for (const rule of config.archiver.forwardRules) {
    if (!destinations.destination(rule.destination)?.host) logger.warn({ rule: rule.name, destination: rule.destination }, 'forwarding destination not in the AE map (yet): its jobs retry until it is');
  }

  const stores = (tier: string) => ctx.infra.tierStore(tier);
  const order = readOrder(plan, config.ingest.tier);
  const metrics = new ArchiveMetrics(ctx.telemetry.meter, { locations, queue, outbox }, Math.max(5_000, a.pollIntervalMs), logger);
  const tierJobOptions = { deleteGraceMs: a.deleteGraceMs, retryDelayMs: a.retryDelayMs };
  const worker = new JobWorker(
    queue,
    [
      new MirrorJob(locations, stores, order.filter((t) => !plan.mirrors.includes(t)), a.retryDelayMs),
      new MoveStudyJob(locations, stores, tierJobOptions, logger.child({ job: 'move' })),
      new CleanupStudyJob(locations, stores, tierJobOptions, logger.child({ job: 'cleanup' })),
      new VerifyJob(locations, stores, { sample: a.verify.sample, retryDelayMs: a.retryDelayMs }, logger.child({ job: 'verify' })),
      new ForwardJob(
        locations, stores, destinations,
        { aeTitle: config.dicom.aeTitle, connectTimeoutMs: a.forwardConnectTimeoutMs, maxPduLength: config.dicom.maxPduLength, readOrder: order },
        logger.child({ job: 'forward' }),
        (n) => metrics.forwarded(n),
      ),
      new RegenArchiveJob(ctx, a.retryDelayMs),
    ],
    { concurrency: a.concurrency, pollIntervalMs: a.pollIntervalMs, leaseMs: a.leaseMs },
    logger.child({ component: 'archive-worker' }),
    undefined,
    metrics,
  );
  const pump = new LocationEventPump(
    outbox, plan, new ForwardRulesSource(rulesRepository, logger),
    { pollIntervalMs: a.pollIntervalMs, calledAe: config.dicom.aeTitle, maxAttempts: a.maxAttempts }, logger.child({ component: 'location-events' }),
  );
  const scheduler = new ArchiveScheduler(
    plan,
    { queue, locations, settings: new TypeOrmSettingsRepository(db), lock: new AdvisoryLeaderLock(db, ARCHIVE_SCHEDULER_LOCK_KEY) },
    { intervalMs: a.schedulerIntervalMs, nightlyMoveAt: a.nightlyMove.at, cleanupIntervalMs: a.cleanupIntervalMs, jobRetentionMs: a.jobRetentionDays * 24 * 3_600_000, verifyIntervalMs: a.verify.intervalMs, maxAttempts: a.maxAttempts },
    logger.child({ component: 'archive-scheduler' }),
  );
  metrics.start();
  worker.start();
  pump.start();
  scheduler.start();
  ctx.shutdown.onShutdown('archive jobs', async () => {
    metrics.stop();
    await Promise.all([scheduler.stop(), pump.stop(), worker.stop()]);
  });
  logger.info({
    workerId: worker.workerId,
    tiers: [...plan.tiers.values()].map((t) => `${t.name}:${t.role}`),
    nightlyMove: plan.nightlyMove ?? null,
    forwardRules: config.archiver.forwardRules.length,
  }, 'archive worker started');
}
