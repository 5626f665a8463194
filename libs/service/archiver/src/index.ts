export { archiverService } from './archiver.service';
