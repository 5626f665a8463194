import { main } from '@pacs/runtime';
import { adminApiService } from '@pacs/service-admin-api';
import { archiverService } from '@pacs/service-archiver';
import { indexerService } from '@pacs/service-indexer';
import { qrService } from '@pacs/service-qr-service';
import { scpListenerService } from '@pacs/service-scp-listener';

// Embedded mode: every service in one process sharing one PGlite database, one in-process
// bus and one filesystem store (the mode defaults). Cluster mode runs the same services as
// separate apps; only configuration differs.
main('all-in-one', [adminApiService, indexerService, qrService, archiverService, scpListenerService]);
