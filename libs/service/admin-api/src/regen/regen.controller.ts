import { Body, Controller, HttpCode, Inject, Post, Res } from '@nestjs/common';
import { TypeOrmJobQueue, type JobQueue } from '@pacs/persistence';
import type { Response } from 'express';
import type { AdminContext } from '../admin-context';
import { noteAudit } from '../auth/audit';
import { RequireRole } from '../auth/auth';
import { Problem, uidParam } from '../http-problem';
import { jobJson, type JobJson } from '../jobs/job-json';
import { ADMIN_CONTEXT } from '../tokens';

/** archive_job.kind and target of the archiver's regen jobs (JOB_KINDS.regen and regenTarget there). */
const REGEN_KIND = 'regen';
const regenTarget = (study?: string): string => (study ? `regen:study:${study}` : 'regen:all');
/** A regen that failed (storage unreachable) is tried this often before it is marked failed. */
const REGEN_MAX_ATTEMPTS = 3;

function parseRegenRequest(body: unknown): { studyInstanceUid?: string } {
  if (body === undefined || body === null || (typeof body === 'object' && Object.keys(body).length === 0)) return {};
  if (typeof body !== 'object' || Array.isArray(body)) throw new Problem(400, 'the body must be a JSON object: {} or { "studyInstanceUid": "<uid>" }');
  const { studyInstanceUid, ...rest } = body as Record<string, unknown>;
  const unknown = Object.keys(rest);
  if (unknown.length > 0) throw new Problem(400, `unknown field ${JSON.stringify(unknown[0])}; only studyInstanceUid is accepted`);
  if (studyInstanceUid === undefined) return {};
  if (typeof studyInstanceUid !== 'string') throw new Problem(400, 'studyInstanceUid must be a string');
  return { studyInstanceUid: uidParam(studyInstanceUid, 'studyInstanceUid') };
}

/**
 * POST /api/regen (admin): rebuild the index from storage (Conquest "regen"), the whole archive
 * or one study, as an archive job the archiver runs; its state shows in GET /api/jobs. A regen
 * asked for while the same one is still queued is that job.
 */
@Controller('api/regen')
export class RegenController {
  private readonly queue: JobQueue;

  constructor(@Inject(ADMIN_CONTEXT) admin: AdminContext) {
    this.queue = new TypeOrmJobQueue(admin.db);
  }

  @Post()
  @RequireRole('admin')
  @HttpCode(202)
  async start(@Body() body: unknown, @Res({ passthrough: true }) res: Response): Promise<JobJson> {
    const request = parseRegenRequest(body);
    const target = regenTarget(request.studyInstanceUid);
    noteAudit(res, { action: 'regen.start', target: { ...request } });
    await this.queue.enqueue({ kind: REGEN_KIND, target, payload: { ...request }, maxAttempts: REGEN_MAX_ATTEMPTS, delayMs: 0 });
    const row = (await this.queue.list(REGEN_KIND, target, 20)).find((r) => r.target === target);
    const job = row ? await this.queue.get(row.id) : undefined;
    if (!job) throw new Error(`regen job ${target} not found right after it was added`);
    noteAudit(res, { target: { jobId: job.id } });
    return jobJson(job);
  }
}
