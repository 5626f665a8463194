import { Initial1764028800000 } from './1764028800000-initial';
import { Index1764115200000 } from './1764115200000-index';
import { ObjectLocationKey1764201600000 } from './1764201600000-object-location-key';
import { AdminApi1764288000000 } from './1764288000000-admin-api';
import { ArchiveJobs1764374400000 } from './1764374400000-archive-jobs';
import { ArchiveJobCancelled1764460800000 } from './1764460800000-archive-job-cancelled';
import { ChangeLog1764547200000 } from './1764547200000-change-log';
import { ArchiveJobRetention1764633600000 } from './1764633600000-archive-job-retention';

/** Every migration, oldest first. Forward-only, reviewed SQL (STYLE.md habit 11). */
export const MIGRATIONS = [Initial1764028800000, Index1764115200000, ObjectLocationKey1764201600000, AdminApi1764288000000, ArchiveJobs1764374400000, ArchiveJobCancelled1764460800000, ChangeLog1764547200000, ArchiveJobRetention1764633600000];
