import { Controller, Get, Inject, Param, Query, Req, Res } from '@nestjs/common';
import { DicomParseError } from '@pacs/dicom';
import type { Request, Response } from 'express';
import type { AdminContext } from '../admin-context';
import { Problem, uidParam } from '../http-problem';
import { ADMIN_CONTEXT } from '../tokens';
import { fitViewport } from './fit-viewport';
import { RenderError, type VoiWindow } from './image-pixel';
import { encodePng } from './png';
import { renderFrame } from './render-frame';
import { acceptsPng, viewportParam, windowParam } from './render-query';
import { readStoredFrame } from './stored-frame';

/** Side of the square the series thumbnail fits in. */
const THUMBNAIL_SIZE = 128;

interface RenderRequest {
  tier: string;
  key: string;
  frame: number;
  window: VoiWindow | undefined;
  viewport: { width: number; height: number } | undefined;
}

/**
 * Rendered images (PS3.18 §10.4.1.1.3 "Retrieve Rendered"): an instance's first frame or a given
 * frame as image/png, windowed (PS3.3 C.11.2) and fitted to a viewport; and the web UI's series
 * thumbnail, the middle instance's first frame in 128×128.
 */
@Controller()
export class RenderedController {
  constructor(@Inject(ADMIN_CONTEXT) private readonly admin: AdminContext) {}

  @Get('dicom-web/studies/:study/series/:series/instances/:instance/rendered')
  instance(
    @Param('study') study: string, @Param('series') series: string, @Param('instance') instance: string, @Query() q: Record<string, unknown>, @Req() req: Request, @Res() res: Response,
  ): Promise<void> {
    return this.rendered(study, series, instance, '1', q, req, res);
  }

  @Get('dicom-web/studies/:study/series/:series/instances/:instance/frames/:frame/rendered')
  frame(
    @Param('study') study: string, @Param('series') series: string, @Param('instance') instance: string, @Param('frame') frame: string,
    @Query() q: Record<string, unknown>, @Req() req: Request, @Res() res: Response,
  ): Promise<void> {
    return this.rendered(study, series, instance, frame, q, req, res);
  }

  @Get('api/series/:uid/thumbnail')
  async thumbnail(@Param('uid') uid: string, @Res() res: Response): Promise<void> {
    uidParam(uid, 'Series Instance UID');
    const first = await this.admin.browse.instances(uid, { limit: 1, offset: 0 });
    if (first.total === 0) throw new Problem(404, `no series ${uid}`);
    const [middle] = (await this.admin.browse.instances(uid, { limit: 1, offset: Math.floor((first.total - 1) / 2) })).items;
    const instance = middle ? await this.admin.browse.instance(middle.sopInstanceUid) : undefined;
    const location = instance?.locations.find((l) => l.status === 'ok' && l.tier === this.admin.ctx.config.ingest.tier) ?? instance?.locations.find((l) => l.status === 'ok');
    if (!instance || !location) throw new Problem(404, `no stored instance in series ${uid}`);
    await this.send(res, { tier: location.tier, key: location.key, frame: 1, window: undefined, viewport: { width: THUMBNAIL_SIZE, height: THUMBNAIL_SIZE } });
  }

  private async rendered(study: string, series: string, instance: string, frame: string, q: Record<string, unknown>, req: Request, res: Response): Promise<void> {
    const scope = { studyInstanceUid: uidParam(study, 'Study Instance UID'), seriesInstanceUid: uidParam(series, 'Series Instance UID'), sopInstanceUid: uidParam(instance, 'SOP Instance UID') };
    if (!/^[1-9]\d{0,8}$/.test(frame)) throw new Problem(400, `frame ${JSON.stringify(frame.slice(0, 20))}: one frame number from 1`);
    const viewport = viewportParam(q);
    const window = windowParam(q);
    if (!acceptsPng(req.headers.accept)) throw new Problem(406, 'rendered images are sent as image/png');
    const [object] = await this.admin.browse.objects(scope, this.admin.ctx.config.ingest.tier);
    if (!object) throw new Problem(404, `no instance ${scope.sopInstanceUid} in series ${scope.seriesInstanceUid} of study ${scope.studyInstanceUid}`);
    await this.send(res, { tier: object.tier, key: object.key, frame: Number(frame), window, viewport });
  }

  private async send(res: Response, r: RenderRequest): Promise<void> {
    const store = await this.admin.ctx.infra.tierStore(r.tier);
    let image;
    try {
      // One frame in memory, never the whole object: the stream is read up to the frame's end.
      const { pixel, frame } = await readStoredFrame(await store.get(r.key), r.frame);
      image = renderFrame(pixel, frame, r.window);
    } catch (err) {
      if (err instanceof RenderError) throw new Problem(err.status, err.message);
      if (err instanceof DicomParseError) throw new Problem(406, `the stored object cannot be read for rendering: ${err.message}`);
      throw err;
    }
    if (r.viewport) image = fitViewport(image, r.viewport.width, r.viewport.height);
    const png = encodePng(image);
    res.status(200).type('image/png').setHeader('Content-Length', String(png.length));
    res.end(png);
  }
}
