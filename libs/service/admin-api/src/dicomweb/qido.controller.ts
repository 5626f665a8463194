import { Controller, Get, Inject, Param, Query, Req, Res } from '@nestjs/common';
import { jsonKey, toDicomJson, type DicomJson } from '@pacs/dicom';
import { assembleResponse, parseFindIdentifier, QueryIdentifierError, TooManyMatchesError, type FindQuery, type IndexLevel } from '@pacs/domain';
import type { Request, Response } from 'express';
import type { AdminContext } from '../admin-context';
import { Problem, uidParam } from '../http-problem';
import { ADMIN_CONTEXT } from '../tokens';
import { qidoQuery, QidoRequestError, type QidoLevel } from './qido-query';
import { dicomWebBase } from './dicomweb-urls';

const LEVELS_AT: Record<QidoLevel, IndexLevel[]> = { STUDY: ['patient', 'study'], SERIES: ['patient', 'study', 'series'], IMAGE: ['patient', 'study', 'series', 'instance'] };
/** Most matches one QIDO-RS answer holds (a larger limit is cut to it). */
const MAX_LIMIT = 5_000;

/** QIDO-RS (PS3.18 §10.6): search for studies, series and instances, answered as application/dicom+json. */
@Controller('dicom-web')
export class QidoController {
  constructor(@Inject(ADMIN_CONTEXT) private readonly admin: AdminContext) {}

  @Get('studies')
  studies(@Query() q: Record<string, unknown>, @Req() req: Request, @Res() res: Response): Promise<void> {
    return this.search('STUDY', {}, q, req, res);
  }

  @Get('series')
  allSeries(@Query() q: Record<string, unknown>, @Req() req: Request, @Res() res: Response): Promise<void> {
    return this.search('SERIES', {}, q, req, res);
  }

  @Get('instances')
  allInstances(@Query() q: Record<string, unknown>, @Req() req: Request, @Res() res: Response): Promise<void> {
    return this.search('IMAGE', {}, q, req, res);
  }

  @Get('studies/:study/series')
  series(@Param('study') study: string, @Query() q: Record<string, unknown>, @Req() req: Request, @Res() res: Response): Promise<void> {
    return this.search('SERIES', { study: uidParam(study, 'Study Instance UID') }, q, req, res);
  }

  @Get('studies/:study/instances')
  studyInstances(@Param('study') study: string, @Query() q: Record<string, unknown>, @Req() req: Request, @Res() res: Response): Promise<void> {
    return this.search('IMAGE', { study: uidParam(study, 'Study Instance UID') }, q, req, res);
  }

  @Get('studies/:study/series/:series/instances')
  instances(@Param('study') study: string, @Param('series') series: string, @Query() q: Record<string, unknown>, @Req() req: Request, @Res() res: Response): Promise<void> {
    return this.search('IMAGE', { study: uidParam(study, 'Study Instance UID'), series: uidParam(series, 'Series Instance UID') }, q, req, res);
  }

  private async search(level: QidoLevel, path: { study?: string; series?: string }, q: Record<string, unknown>, req: Request, res: Response): Promise<void> {
    let find: FindQuery;
    let request: ReturnType<typeof qidoQuery>;
    try {
      request = qidoQuery(level, path, q, MAX_LIMIT);
      // Relational: /series and /instances search across studies (PS3.18 §10.6.1).
      find = parseFindIdentifier(request.identifier, request.sopClassUid, {
        caseInsensitivePn: this.admin.ctx.config.qr.caseInsensitivePn || request.fuzzy, relational: true, combinedDateTime: false,
      });
    } catch (err) {
      if (err instanceof QidoRequestError || err instanceof QueryIdentifierError) throw new Problem(400, err.message);
      throw err;
    }
    const base = dicomWebBase(req);
    const results: DicomJson[] = [];
    let skipped = 0;
    const abort = new AbortController();
    try {
      for await (const match of this.admin.query.find(find, abort.signal)) {
        if (skipped < request.offset) {
          skipped++;
          continue;
        }
        const json = toDicomJson(assembleResponse(find, match, { retrieveAeTitle: this.admin.ctx.config.dicom.aeTitle }));
        if (request.includeAll) {
          for (const entity of LEVELS_AT[level]) for (const [key, value] of Object.entries(match.attributes[entity] ?? {})) json[key] ??= value as DicomJson[string];
        }
        // JSON is UTF-8: no Specific Character Set; the level is C-FIND's business, not QIDO's.
        delete json[jsonKey(0x00080005)];
        delete json[jsonKey(0x00080052)];
        json[jsonKey(0x00081190)] = { vr: 'UR', Value: [retrieveUrl(base, level, json)] };
        results.push(json);
        if (results.length >= request.limit) break;
      }
    } catch (err) {
      if (err instanceof TooManyMatchesError) throw new Problem(400, `${err.message} (or page with limit/offset)`);
      throw err;
    } finally {
      abort.abort();
    }
    res.status(200).type('application/dicom+json').send(JSON.stringify(results));
  }
}

function uidOf(json: DicomJson, tag: number): string {
  return String(json[jsonKey(tag)]?.Value?.[0] ?? '');
}

function retrieveUrl(base: string, level: QidoLevel, json: DicomJson): string {
  const study = `${base}/studies/${uidOf(json, 0x0020000d)}`;
  if (level === 'STUDY') return study;
  const series = `${study}/series/${uidOf(json, 0x0020000e)}`;
  return level === 'SERIES' ? series : `${series}/instances/${uidOf(json, 0x00080018)}`;
}
