import type { JobState, JobView } from '@pacs/persistence';

/** A job as GET /api/jobs answers it (the web UI's contract: keep the field names). */
export interface JobJson {
  id: string;
  kind: string;
  target: string;
  state: JobState;
  destination?: string;
  level?: string;
  /** Instances the job started with (send jobs). */
  total?: number;
  /** Instances still to be sent (forward jobs): none once done. */
  remaining?: number;
  attempts: number;
  maxAttempts: number;
  lastError: string | null;
  createdAt: string;
  updatedAt: string;
  finishedAt: string | null;
}

const FORWARD_KIND = 'forward';

export function jobJson(job: JobView): JobJson {
  const out: JobJson = {
    id: job.id,
    kind: job.kind,
    target: job.target,
    state: job.state,
    attempts: job.attempts,
    maxAttempts: job.maxAttempts,
    lastError: job.lastError,
    createdAt: job.createdAt.toISOString(),
    updatedAt: job.updatedAt.toISOString(),
    finishedAt: job.finishedAt ? job.finishedAt.toISOString() : null,
  };
  if (job.kind !== FORWARD_KIND) return out;
  const { destination, level, total, instances } = job.payload;
  if (typeof destination === 'string') out.destination = destination;
  if (typeof level === 'string') out.level = level;
  if (typeof total === 'number') out.total = total;
  // After a failed attempt the payload holds only what the destination did not take; a done
  // job keeps its last list, though everything in it was sent.
  if (Array.isArray(instances)) out.remaining = job.state === 'done' ? 0 : instances.length;
  return out;
}
