import { main } from '@pacs/runtime';
import { qrService } from '@pacs/service-qr-service';

main('qr-service', [qrService]);
