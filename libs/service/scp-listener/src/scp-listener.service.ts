import type { PacsService } from '@pacs/runtime';

/**
 * scp-listener: the DICOM front door. Needs the bus and object storage, never the database
 * (ARCHITECTURE.md: modalities keep storing while the database is down).
 */
export const scpListenerService: PacsService = {
  name: 'scp-listener',
  async start(ctx) {
    await ctx.infra.objectStore();
    await ctx.infra.bus();
  },
};
