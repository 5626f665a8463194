import type { PacsService } from '@pacs/runtime';

/** archiver: storage tiers, forwarding rules and scheduled jobs (leader-elected). */
export const archiverService: PacsService = {
  name: 'archiver',
  async start(ctx) {
    await ctx.infra.database();
    await ctx.infra.objectStore();
  },
};
