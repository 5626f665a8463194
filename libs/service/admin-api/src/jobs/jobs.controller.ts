import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Res } from '@nestjs/common';
import { JOB_STATES, TypeOrmJobQueue, type JobQueue, type JobState } from '@pacs/persistence';
import type { Response } from 'express';
import type { AdminContext } from '../admin-context';
import { actorOf, RequireRole } from '../auth/auth';
import { noteAudit } from '../auth/audit';
import { paging, Problem, textParam } from '../http-problem';
import { ADMIN_CONTEXT } from '../tokens';
import { jobJson, type JobJson } from './job-json';
import { enqueueSend } from './send-job';
import { InvalidSendRequestError, parseSendRequest } from './send-request';

function jobId(id: string): string {
  if (!/^[1-9]\d{0,17}$/.test(id)) throw new Problem(400, `job id ${JSON.stringify(id.slice(0, 40))} must be a positive integer`);
  return id;
}

function stateParam(q: Record<string, unknown>): JobState | undefined {
  const state = textParam(q, 'state', 16);
  if (state !== undefined && !(JOB_STATES as readonly string[]).includes(state)) throw new Problem(400, `state must be one of ${JOB_STATES.join(', ')}`);
  return state as JobState | undefined;
}

/**
 * Archive jobs (issue 7): send a study or series to an AE (operators, audited), list the jobs
 * of every kind with their progress, and cancel a queued or running one.
 */
@Controller('api/jobs')
export class JobsController {
  private readonly queue: JobQueue;

  constructor(@Inject(ADMIN_CONTEXT) private readonly admin: AdminContext) {
    this.queue = new TypeOrmJobQueue(admin.db);
  }

  @Get()
  async list(@Query() q: Record<string, unknown>): Promise<{ items: JobJson[]; total: number }> {
    const { limit, offset } = paging(q);
    const state = stateParam(q);
    const kind = textParam(q, 'kind', 40);
    const page = await this.queue.find({ ...(state ? { state } : {}), ...(kind ? { kind } : {}) }, limit, offset);
    return { items: page.items.map(jobJson), total: page.total };
  }

  @Get(':id')
  async get(@Param('id') id: string): Promise<JobJson> {
    const job = await this.queue.get(jobId(id));
    if (!job) throw new Problem(404, `no job ${id}`);
    return jobJson(job);
  }

  @Post('send')
  @RequireRole('operator')
  @HttpCode(202)
  async send(@Body() body: unknown, @Res({ passthrough: true }) res: Response): Promise<JobJson> {
    let request;
    try {
      request = parseSendRequest(body);
    } catch (err) {
      if (err instanceof InvalidSendRequestError) throw new Problem(400, err.message);
      throw err;
    }
    noteAudit(res, { action: 'job.send', target: { ...request } });
    const job = await enqueueSend(this.admin, this.queue, request, actorOf(res)?.name ?? 'anonymous');
    noteAudit(res, { target: { jobId: job.id } });
    return jobJson(job);
  }

  @Post(':id/cancel')
  @RequireRole('operator')
  @HttpCode(200)
  async cancel(@Param('id') id: string, @Res({ passthrough: true }) res: Response): Promise<JobJson> {
    noteAudit(res, { action: 'job.cancel', target: { jobId: id } });
    const result = await this.queue.cancel(jobId(id));
    if (result.outcome === 'unknown') throw new Problem(404, `no job ${id}`);
    if (result.outcome === 'finished') throw new Problem(409, `job ${id} is already ${result.job.state}; only queued or running jobs can be cancelled`);
    return jobJson(result.job);
  }
}
