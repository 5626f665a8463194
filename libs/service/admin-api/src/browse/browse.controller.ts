import { Controller, Delete, Get, HttpCode, Inject, Param, Query, Res } from '@nestjs/common';
import { InvalidSortError, type Page, type PatientSummary, type SeriesSummary, type StudyDetail, type StudySummary, type InstanceSummary, type StoredObjectRef } from '@pacs/persistence';
import type { Response } from 'express';
import { pipeline } from 'node:stream/promises';
import type { AdminContext } from '../admin-context';
import { noteAudit } from '../auth/audit';
import { paging, Problem, textParam, uidParam } from '../http-problem';
import { ADMIN_CONTEXT } from '../tokens';

async function sorted<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof InvalidSortError) throw new Problem(400, err.message);
    throw err;
  }
}

function dateParam(query: Record<string, unknown>, name: string): string | undefined {
  const v = textParam(query, name, 10);
  if (v === undefined) return undefined;
  const compact = v.replace(/-/g, '');
  if (!/^\d{8}$/.test(compact)) throw new Problem(400, `${name}: a date YYYYMMDD or YYYY-MM-DD`);
  return compact;
}

/**
 * Browsing (issue 7): patients, studies, series and instances from the index with filters
 * (patient name/ID with * and ? wildcards, study date range, modality, accession number),
 * sorting (?sort=key or -key) and paging (?limit&offset, with the total); instance download;
 * and deleting a study, series or instance from the index and from storage (operators, audited).
 */
@Controller('api')
export class BrowseController {
  constructor(@Inject(ADMIN_CONTEXT) private readonly admin: AdminContext) {}

  @Get('patients')
  patients(@Query() q: Record<string, unknown>): Promise<Page<PatientSummary>> {
    const filter = { patientName: textParam(q, 'patientName'), patientId: textParam(q, 'patientId') };
    return sorted(() => this.admin.browse.patients(defined(filter), { ...paging(q), ...defined({ sort: textParam(q, 'sort', 40) }) }));
  }

  @Get('studies')
  studies(@Query() q: Record<string, unknown>): Promise<Page<StudySummary>> {
    const filter = {
      patientName: textParam(q, 'patientName'),
      patientId: textParam(q, 'patientId'),
      studyDateFrom: dateParam(q, 'studyDateFrom'),
      studyDateTo: dateParam(q, 'studyDateTo'),
      modality: textParam(q, 'modality', 16),
      accessionNumber: textParam(q, 'accessionNumber', 64),
      studyDescription: textParam(q, 'studyDescription'),
    };
    return sorted(() => this.admin.browse.studies(defined(filter), { ...paging(q), ...defined({ sort: textParam(q, 'sort', 40) }) }));
  }

  @Get('studies/:uid')
  async study(@Param('uid') uid: string): Promise<StudyDetail> {
    const study = await this.admin.browse.study(uidParam(uid, 'Study Instance UID'));
    if (!study) throw new Problem(404, `no study ${uid}`);
    return study;
  }

  @Get('studies/:uid/series')
  async series(@Param('uid') uid: string, @Query() q: Record<string, unknown>): Promise<Page<SeriesSummary>> {
    uidParam(uid, 'Study Instance UID');
    if (!(await this.admin.browse.studyExists(uid))) throw new Problem(404, `no study ${uid}`);
    return sorted(() => this.admin.browse.series(uid, defined({ modality: textParam(q, 'modality', 16) }), { ...paging(q, 100), ...defined({ sort: textParam(q, 'sort', 40) }) }));
  }

  @Get('series/:uid/instances')
  async instances(@Param('uid') uid: string, @Query() q: Record<string, unknown>): Promise<Page<InstanceSummary>> {
    uidParam(uid, 'Series Instance UID');
    if (!(await this.admin.browse.seriesExists(uid))) throw new Problem(404, `no series ${uid}`);
    return sorted(() => this.admin.browse.instances(uid, { ...paging(q, 500, 10_000), ...defined({ sort: textParam(q, 'sort', 40) }) }));
  }

  @Get('instances/:uid')
  async instance(@Param('uid') uid: string): Promise<InstanceSummary> {
    const instance = await this.admin.browse.instance(uidParam(uid, 'SOP Instance UID'));
    if (!instance) throw new Problem(404, `no instance ${uid}`);
    const { locations: _locations, ...summary } = instance;
    return summary;
  }

  /** The stored Part 10 object, streamed from storage as application/dicom. */
  @Get('instances/:uid/file')
  async download(@Param('uid') uid: string, @Res() res: Response): Promise<void> {
    const instance = await this.admin.browse.instance(uidParam(uid, 'SOP Instance UID'));
    const location = instance?.locations.find((l) => l.status === 'ok' && l.tier === this.admin.ctx.config.ingest.tier) ?? instance?.locations.find((l) => l.status === 'ok');
    if (!instance || !location) throw new Problem(404, `no stored object for instance ${uid}`);
    const store = await this.admin.ctx.infra.tierStore(location.tier);
    const body = await store.get(location.key);
    res.status(200).type('application/dicom').setHeader('Content-Disposition', `attachment; filename="${uid}.dcm"`);
    res.setHeader('Content-Length', String(instance.size));
    await pipeline(body, res);
  }

  @Delete('studies/:uid')
  @HttpCode(200)
  async deleteStudy(@Param('uid') uid: string, @Res({ passthrough: true }) res: Response): Promise<{ deleted: true; instances: number }> {
    noteAudit(res, { action: 'study.delete', target: { studyInstanceUid: uid } });
    const result = await this.admin.index.deleteStudy(uidParam(uid, 'Study Instance UID'));
    if (!result.deleted) throw new Problem(404, `no study ${uid}`);
    await this.removeObjects(result.objects);
    noteAudit(res, { detail: `${result.instances} instances` });
    return { deleted: true, instances: result.instances };
  }

  @Delete('series/:uid')
  @HttpCode(200)
  async deleteSeries(@Param('uid') uid: string, @Res({ passthrough: true }) res: Response): Promise<{ deleted: true; instances: number }> {
    noteAudit(res, { action: 'series.delete', target: { seriesInstanceUid: uid } });
    const result = await this.admin.deletion.deleteSeries(uidParam(uid, 'Series Instance UID'));
    if (!result.deleted) throw new Problem(404, `no series ${uid}`);
    await this.removeObjects(result.objects);
    noteAudit(res, { target: { studyInstanceUid: result.studyInstanceUid }, detail: `${result.instances} instances` });
    return { deleted: true, instances: result.instances };
  }

  @Delete('instances/:uid')
  @HttpCode(200)
  async deleteInstance(@Param('uid') uid: string, @Res({ passthrough: true }) res: Response): Promise<{ deleted: true; instances: number }> {
    noteAudit(res, { action: 'instance.delete', target: { sopInstanceUid: uid } });
    const result = await this.admin.deletion.deleteInstance(uidParam(uid, 'SOP Instance UID'));
    if (!result.deleted) throw new Problem(404, `no instance ${uid}`);
    await this.removeObjects(result.objects);
    noteAudit(res, { target: { studyInstanceUid: result.studyInstanceUid } });
    return { deleted: true, instances: result.instances };
  }

  /** Index rows are gone (committed); a failed object removal is logged and left for cleanup. */
  private async removeObjects(objects: StoredObjectRef[]): Promise<void> {
    for (const object of objects) {
      try {
        await (await this.admin.ctx.infra.tierStore(object.tier)).delete(object.key);
      } catch (err) {
        this.admin.ctx.logger.warn({ err, tier: object.tier, key: object.key }, 'deleted instance: stored object not removed');
      }
    }
  }
}

function defined<T extends Record<string, unknown>>(o: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as { [K in keyof T]: Exclude<T[K], undefined> };
}
