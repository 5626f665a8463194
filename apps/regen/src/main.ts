import { jobMain } from '@pacs/runtime';
import { regenJob } from '@pacs/service-archiver';
import { indexerService } from '@pacs/service-indexer';

// Conquest's "regen": re-announces stored objects so the indexers rebuild the index from
// storage. `node dist/apps/regen/main.js --full | --study <UID>`. In embedded mode stop the
// server first (PGlite is one process's); the indexer then runs here, beside the job.
jobMain('regen', () => regenJob(process.argv.slice(2)), { embeddedServices: [indexerService] });
