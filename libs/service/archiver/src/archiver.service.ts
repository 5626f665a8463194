import { AdvisoryLeaderLock, TypeOrmSettingsRepository, TypeOrmStoredObjectIndex } from '@pacs/persistence';
import type { PacsService, ServiceContext } from '@pacs/runtime';
import { startArchiveTiers } from './archive-tiers.service';
import { startChangePublisher } from './changes/start-change-publisher';
import { Reconciler } from './reconciler/reconciler';
import { RECONCILER_LOCK_KEY, ReconcilerLoop } from './reconciler/reconciler-loop';
import { announcingFor } from './regen/announcing';

/** archiver: storage tiers, forwarding rules and scheduled jobs (leader-elected). */
export const archiverService: PacsService = {
  name: 'archiver',
  async start(ctx) {
    // Both parts need them; opening them here also makes them part of the readiness checks.
    await Promise.all([ctx.infra.database(), ctx.infra.objectStore()]);
    if (ctx.config.archiver.enabled) await startArchiveTiers(ctx);
    if (ctx.config.reconciler.enabled) await startReconciler(ctx);
    await startChangePublisher(ctx);
  },
};

async function startReconciler(ctx: ServiceContext): Promise<void> {
  const [db, store] = await Promise.all([ctx.infra.database(), ctx.infra.objectStore()]);
  const { reconciler: config } = ctx.config;
  const { announcer, backlog, counted } = await announcingFor(ctx, 'reconciler');
  // Tiers with a store of their own (mirror, nearline); one that cannot be opened now is skipped.
  const tierStores = async () => {
    const opened = await Promise.allSettled(ctx.config.storage.tiers.filter((t) => t.driver).map((t) => ctx.infra.tierStore(t.name)));
    return opened.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
  };
  const reconciler = new Reconciler(
    { store, tierStores, index: new TypeOrmStoredObjectIndex(db), settings: new TypeOrmSettingsRepository(db), announcer, backlog, logger: ctx.logger, counted },
    { graceMs: config.graceMs, concurrency: ctx.config.regen.concurrency, progressEvery: ctx.config.regen.progressEvery, maxBacklog: ctx.config.regen.maxBacklog },
  );
  const sweeps = ctx.telemetry.meter.createCounter('pacs_reconciler_sweeps_total', { description: 'Reconciler runs, by outcome (swept, deferred, follower, failed)' });
  const loop = new ReconcilerLoop(reconciler, new AdvisoryLeaderLock(db, RECONCILER_LOCK_KEY), config.intervalMs, ctx.logger, (outcome) => sweeps.add(1, { outcome }));
  loop.start();
  ctx.shutdown.onShutdown('reconciler', () => loop.stop());
  ctx.logger.info({ intervalMs: config.intervalMs, graceMs: config.graceMs }, 'reconciler scheduled');
}
