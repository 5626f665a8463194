import { Initial1764028800000 } from './1764028800000-initial';
import { Index1764115200000 } from './1764115200000-index';

/** Every migration, oldest first. Forward-only, reviewed SQL (STYLE.md habit 11). */
export const MIGRATIONS = [Initial1764028800000, Index1764115200000];
