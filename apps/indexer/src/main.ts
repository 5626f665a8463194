import { main } from '@pacs/runtime';
import { indexerService } from '@pacs/service-indexer';

main('indexer', [indexerService]);
