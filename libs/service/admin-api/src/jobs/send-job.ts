// "Send study/series to AE" (Conquest dgate's send, a C-MOVE-style job run by the archiver): a
// 'forward' job of its own (target send:<uuid>, never joined with another), with the SOP
// Instance UIDs from the index. The archiver's ForwardJob sends them by C-STORE (PS3.7 §9.1.1)
// to the AE map's address, and keeps in the payload what the destination has not taken yet.
import { randomUUID } from 'node:crypto';
import { AeMap } from '@pacs/domain';
import type { JobQueue, JobView } from '@pacs/persistence';
import type { AdminContext } from '../admin-context';
import { Problem } from '../http-problem';
import type { SendRequest } from './send-request';

/** archive_job.kind of the archiver's forward jobs (JOB_KINDS.forward there). */
const FORWARD_KIND = 'forward';
/** Attempts of a send job, and the wait after a failed one (the destination down, busy or refusing). */
export const SEND_RETRY = { maxAttempts: 3, holdOffMs: 10_000, retryDelayMs: 10_000 } as const;

export async function enqueueSend(admin: AdminContext, queue: JobQueue, request: SendRequest, actor: string): Promise<JobView> {
  const { studyInstanceUid, seriesInstanceUid, destination } = request;
  if (!(await admin.browse.studyExists(studyInstanceUid))) throw new Problem(404, `no study ${studyInstanceUid}`);
  const objects = await admin.browse.objects({ studyInstanceUid, ...(seriesInstanceUid ? { seriesInstanceUid } : {}) }, admin.ctx.config.ingest.tier);
  if (seriesInstanceUid && objects.length === 0) throw new Problem(404, `no series ${seriesInstanceUid} in study ${studyInstanceUid}`);
  if (objects.length === 0) throw new Problem(404, `study ${studyInstanceUid} has no stored instance`);

  // The same check as for a C-MOVE destination (PS3.4 C.4.2.2.1.3 Move Destination): an exact AE
  // map entry with an address, allowed to retrieve.
  const entry = new AeMap(await admin.aeMap.list()).destination(destination);
  if (!entry) throw new Problem(422, `destination ${destination} is not in the AE map`);
  if (!entry.host || !entry.port) throw new Problem(422, `destination ${destination} has no host and port in the AE map`);
  if (!entry.retrieve) throw new Problem(422, `destination ${destination} is not allowed to retrieve (AE map "retrieve": false)`);
  // The archiver's forward jobs open plain TCP associations only (forward-job.ts).
  if (entry.tls) throw new Problem(422, `destination ${destination} listens with TLS; sending over TLS is not supported`);

  const instances = [...new Set(objects.map((o) => o.sopInstanceUid))];
  const target = `send:${randomUUID()}`;
  await queue.enqueue({
    kind: FORWARD_KIND,
    target,
    payload: {
      rule: `send:${actor}`, destination, level: seriesInstanceUid ? 'series' : 'study', instances, total: instances.length, retry: SEND_RETRY,
      studyInstanceUid, ...(seriesInstanceUid ? { seriesInstanceUid } : {}),
    },
    maxAttempts: SEND_RETRY.maxAttempts,
    delayMs: 0,
  });
  const [row] = await queue.list(FORWARD_KIND, target, 1);
  const job = row ? await queue.get(row.id) : undefined;
  if (!job) throw new Error(`send job ${target} not found right after it was added`);
  return job;
}
