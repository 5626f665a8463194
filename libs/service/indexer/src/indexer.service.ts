import type { PacsService } from '@pacs/runtime';

/** indexer: consumes "instance.received" and upserts the index rows. */
export const indexerService: PacsService = {
  name: 'indexer',
  async start(ctx) {
    await ctx.infra.database();
    await ctx.infra.bus();
  },
};
