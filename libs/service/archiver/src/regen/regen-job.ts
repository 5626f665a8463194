import type { PacsJob } from '@pacs/runtime';
import { announcingFor } from './announcing';
import { runRegen, type RegenResult } from './regen';
import { parseRegenArgs } from './regen-args';

/**
 * apps/regen: re-announces stored objects; needs only storage and the bus, the indexers do
 * the rest. In embedded mode the indexer runs in the same process (the bus is in-process),
 * and the job waits until it has indexed everything before exiting. Exit status 1 when some
 * objects could not be announced (each is logged with its key).
 */
export function regenJob(argv: readonly string[]): PacsJob<RegenResult> {
  const args = parseRegenArgs(argv);
  return {
    name: 'regen',
    async run(ctx, signal) {
      const { announcer, backlog, counted } = await announcingFor(ctx, 'regen');
      const result = await runRegen({ store: await ctx.infra.objectStore(), announcer, logger: ctx.logger, counted }, {
        ...(args.studyInstanceUid ? { studyInstanceUid: args.studyInstanceUid } : {}),
        keyTemplate: ctx.config.ingest.keyTemplate,
        concurrency: ctx.config.regen.concurrency,
        progressEvery: ctx.config.regen.progressEvery,
        signal,
      });
      if (ctx.config.bus.driver === 'in-process') {
        ctx.logger.info({ backlog: await backlog.current() }, 'waiting for the indexer to index what was announced');
        await backlog.waitAtMost(0, signal);
      }
      return result;
    },
    exitCode: (result) => (result.failed > 0 ? 1 : 0),
  };
}
