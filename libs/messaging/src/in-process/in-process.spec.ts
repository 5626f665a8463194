import { InProcessBus } from './in-process-bus';
import { busConformance } from '../testing/bus-conformance';

busConformance('InProcessBus', async () => new InProcessBus());
