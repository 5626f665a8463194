export { qrService } from './qr.service';
