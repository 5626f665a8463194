import type { PacsService } from '@pacs/runtime';

/** qr-service: answers C-FIND/C-MOVE/C-GET resolution requests from the index. */
export const qrService: PacsService = {
  name: 'qr-service',
  async start(ctx) {
    await ctx.infra.database();
    await ctx.infra.bus();
  },
};
