import { main } from '@pacs/runtime';
import { scpListenerService } from '@pacs/service-scp-listener';

main('scp-listener', [scpListenerService]);
