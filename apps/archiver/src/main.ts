import { main } from '@pacs/runtime';
import { archiverService } from '@pacs/service-archiver';

main('archiver', [archiverService]);
