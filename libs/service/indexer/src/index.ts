export { indexerService } from './indexer.service';
