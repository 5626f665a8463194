export { scpListenerService } from './scp-listener.service';
