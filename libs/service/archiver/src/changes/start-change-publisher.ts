import { ChangeLogRepository } from '@pacs/persistence';
import type { ServiceContext } from '@pacs/runtime';
import { ChangePublisher, ensureChangeStream } from './change-publisher';
import { changeTopology } from './change-topology';

/** Starts the change log publisher of this archiver replica (issue 7). */
export async function startChangePublisher(ctx: ServiceContext): Promise<void> {
  const [db, bus] = await Promise.all([ctx.infra.database(), ctx.infra.bus()]);
  const topology = changeTopology(ctx.config.bus.streamPrefix);
  await ensureChangeStream(bus, topology);
  const a = ctx.config.archiver;
  const publisher = new ChangePublisher(
    new ChangeLogRepository(db), bus, topology,
    { pollIntervalMs: a.pollIntervalMs, stableStudyMs: a.stableStudyMs, changeRetentionDays: a.changeRetentionDays },
    ctx.logger.child({ component: 'change-publisher' }),
  );
  publisher.start();
  ctx.shutdown.onShutdown('change publisher', () => publisher.stop());
  ctx.logger.info({ stream: topology.stream, stableStudyMs: a.stableStudyMs, changeRetentionDays: a.changeRetentionDays }, 'change log publisher started');
}
