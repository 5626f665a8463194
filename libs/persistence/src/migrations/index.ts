import { Initial1764028800000 } from './1764028800000-initial';

/** Every migration, oldest first. Forward-only, reviewed SQL (STYLE.md habit 11). */
export const MIGRATIONS = [Initial1764028800000];
