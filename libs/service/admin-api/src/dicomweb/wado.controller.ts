import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { Controller, Get, Inject, Param, Req, Res } from '@nestjs/common';
import { jsonKey } from '@pacs/dicom';
import type { ObjectToRead } from '@pacs/persistence';
import type { Request, Response } from 'express';
import type { AdminContext } from '../admin-context';
import { Problem, uidParam } from '../http-problem';
import { ADMIN_CONTEXT } from '../tokens';
import { dicomWebBase } from './dicomweb-urls';
import { FrameError, frameNumbers, pixelData } from './frames';

interface Scope {
  studyInstanceUid: string;
  seriesInstanceUid?: string;
  sopInstanceUid?: string;
}

/** PS3.18 §8.7.3.5: what the Accept header allows for a retrieval of instances. */
function acceptsMultipartDicom(accept: string | undefined): boolean {
  if (!accept) return true;
  return accept.split(',').some((range) => {
    const [type = '', ...params] = range.split(';').map((s) => s.trim());
    const media = type.toLowerCase();
    if (media === '*/*' || media === 'multipart/*') return true;
    if (media !== 'multipart/related') return false;
    const t = params.find((p) => /^type=/i.test(p));
    const value = t?.slice(5).replace(/^"|"$/g, '').toLowerCase();
    const ts = params.find((p) => /^transfer-syntax=/i.test(p))?.slice(16).replace(/^"|"$/g, '');
    return (value === undefined || value === 'application/dicom') && (ts === undefined || ts === '*');
  });
}

/**
 * WADO-RS (PS3.18 §10.4): studies, series and instances as multipart/related;
 * type="application/dicom" (the stored objects, streamed from storage, in their stored transfer
 * syntax) and their metadata as DICOM JSON (from the index's stored attributes, no storage read).
 */
@Controller('dicom-web/studies')
export class WadoController {
  constructor(@Inject(ADMIN_CONTEXT) private readonly admin: AdminContext) {}

  @Get(':study')
  study(@Param('study') study: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    return this.instances({ studyInstanceUid: uidParam(study, 'Study Instance UID') }, req, res);
  }

  @Get(':study/series/:series')
  series(@Param('study') study: string, @Param('series') series: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    return this.instances({ studyInstanceUid: uidParam(study, 'Study Instance UID'), seriesInstanceUid: uidParam(series, 'Series Instance UID') }, req, res);
  }

  @Get(':study/series/:series/instances/:instance')
  instance(@Param('study') study: string, @Param('series') series: string, @Param('instance') instance: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    return this.instances({
      studyInstanceUid: uidParam(study, 'Study Instance UID'), seriesInstanceUid: uidParam(series, 'Series Instance UID'), sopInstanceUid: uidParam(instance, 'SOP Instance UID'),
    }, req, res);
  }

  @Get(':study/metadata')
  studyMetadata(@Param('study') study: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    return this.metadata({ studyInstanceUid: uidParam(study, 'Study Instance UID') }, req, res);
  }

  @Get(':study/series/:series/metadata')
  seriesMetadata(@Param('study') study: string, @Param('series') series: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    return this.metadata({ studyInstanceUid: uidParam(study, 'Study Instance UID'), seriesInstanceUid: uidParam(series, 'Series Instance UID') }, req, res);
  }

  @Get(':study/series/:series/instances/:instance/metadata')
  instanceMetadata(@Param('study') study: string, @Param('series') series: string, @Param('instance') instance: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    return this.metadata({
      studyInstanceUid: uidParam(study, 'Study Instance UID'), seriesInstanceUid: uidParam(series, 'Series Instance UID'), sopInstanceUid: uidParam(instance, 'SOP Instance UID'),
    }, req, res);
  }

  /** PS3.18 §10.4.1.1.6: frames of an uncompressed image, multipart/related; type="application/octet-stream". */
  @Get(':study/series/:series/instances/:instance/frames/:frames')
  async frames(
    @Param('study') study: string, @Param('series') series: string, @Param('instance') instance: string, @Param('frames') list: string, @Req() req: Request, @Res() res: Response,
  ): Promise<void> {
    const scope = { studyInstanceUid: uidParam(study, 'Study Instance UID'), seriesInstanceUid: uidParam(series, 'Series Instance UID'), sopInstanceUid: uidParam(instance, 'SOP Instance UID') };
    const wanted = framed(() => frameNumbers(list));
    if (!acceptsOctetStream(req.headers.accept)) throw new Problem(406, 'frames are sent as multipart/related; type="application/octet-stream" (uncompressed)');
    const { pixels: value, frameLength, frames } = await this.pixelDataOf(scope);
    const missing = wanted.find((n) => n > frames);
    if (missing !== undefined) throw new Problem(404, `frame ${missing} does not exist; the instance has ${frames}`);
    sendOctetParts(res, wanted.map((n) => value.subarray((n - 1) * frameLength, n * frameLength)));
  }

  /** PS3.18 §10.4.1.1.5: the Pixel Data as bulk data (the BulkDataURI of the metadata). */
  @Get(':study/series/:series/instances/:instance/bulkdata/7fe00010')
  async pixelBulkData(@Param('study') study: string, @Param('series') series: string, @Param('instance') instance: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const scope = { studyInstanceUid: uidParam(study, 'Study Instance UID'), seriesInstanceUid: uidParam(series, 'Series Instance UID'), sopInstanceUid: uidParam(instance, 'SOP Instance UID') };
    if (!acceptsOctetStream(req.headers.accept)) throw new Problem(406, 'bulk data is sent as multipart/related; type="application/octet-stream"');
    sendOctetParts(res, [(await this.pixelDataOf(scope)).pixels]);
  }

  /** Reads the whole stored object (frames need the Pixel Data's position; images are bounded by the upload limits). */
  private async pixelDataOf(scope: Scope): Promise<{ pixels: Buffer; frameLength: number; frames: number }> {
    const [object] = await this.located(scope);
    if (!object) throw new Problem(404, `no instance ${scope.sopInstanceUid ?? ''}`);
    const store = await this.admin.ctx.infra.tierStore(object.tier);
    const chunks: Buffer[] = [];
    for await (const chunk of await store.get(object.key)) chunks.push(chunk as Buffer);
    return framed(() => pixelData(Buffer.concat(chunks)));
  }

  private async located(scope: Scope): Promise<ObjectToRead[]> {
    const objects = await this.admin.browse.objects(scope, this.admin.ctx.config.ingest.tier);
    if (objects.length === 0) {
      const what = scope.sopInstanceUid ? `instance ${scope.sopInstanceUid}` : scope.seriesInstanceUid ? `series ${scope.seriesInstanceUid}` : `study ${scope.studyInstanceUid}`;
      throw new Problem(404, `no ${what} in study ${scope.studyInstanceUid}`);
    }
    return objects;
  }

  private async instances(scope: Scope, req: Request, res: Response): Promise<void> {
    if (!acceptsMultipartDicom(req.headers.accept)) {
      throw new Problem(406, 'this archive sends instances as multipart/related; type="application/dicom" in their stored transfer syntax (transfer-syntax=*)');
    }
    const objects = await this.located(scope);
    const boundary = `pacs-${randomBytes(12).toString('hex')}`;
    res.status(200).setHeader('Content-Type', `multipart/related; type="application/dicom"; boundary=${boundary}`);
    // One object after the other, each streamed from storage with backpressure (never a whole study in memory).
    for (const object of objects) {
      const store = await this.admin.ctx.infra.tierStore(object.tier);
      const body = await store.get(object.key);
      res.once('close', () => body.destroy());
      await write(res, `--${boundary}\r\nContent-Type: application/dicom; transfer-syntax=${object.transferSyntaxUid}\r\nContent-Length: ${object.size}\r\n\r\n`);
      for await (const chunk of body) await write(res, chunk as Buffer);
      await write(res, '\r\n');
    }
    res.end(`--${boundary}--\r\n`);
  }

  private async metadata(scope: Scope, req: Request, res: Response): Promise<void> {
    const objects = await this.located(scope);
    const base = dicomWebBase(req);
    const out = objects.map((o) => {
      const json: Record<string, unknown> = { ...o.attributes };
      delete json[jsonKey(0x00080005)];
      const url = `${base}/studies/${scope.studyInstanceUid}/series/${o.seriesInstanceUid}/instances/${o.sopInstanceUid}`;
      json[jsonKey(0x00081190)] = { vr: 'UR', Value: [url] };
      json[jsonKey(0x00020010)] = { vr: 'UI', Value: [o.transferSyntaxUid] };
      json[jsonKey(0x7fe00010)] = { vr: 'OW', BulkDataURI: `${url}/bulkdata/7fe00010` };
      return json;
    });
    res.status(200).type('application/dicom+json').send(JSON.stringify(out));
  }
}

/** Writes with backpressure; a client gone away ends the answer (the storage stream is released by the caller's loop ending). */
async function write(res: Response, chunk: string | Buffer): Promise<void> {
  if (res.destroyed) throw new Error('client went away');
  if (res.write(chunk)) return;
  const ac = new AbortController();
  await Promise.race([once(res, 'drain', { signal: ac.signal }), once(res, 'close', { signal: ac.signal }).then(() => {
    throw new Error('client went away');
  })]).finally(() => ac.abort());
}

function framed<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof FrameError) throw new Problem(err.status, err.message);
    throw err;
  }
}

function acceptsOctetStream(accept: string | undefined): boolean {
  if (!accept) return true;
  return accept.split(',').some((range) => {
    const [type = '', ...params] = range.split(';').map((x) => x.trim());
    const media = type.toLowerCase();
    if (media === '*/*' || media === 'multipart/*' || media === 'application/octet-stream') return true;
    if (media !== 'multipart/related') return false;
    const t = params.find((x) => /^type=/i.test(x))?.slice(5).replace(/^"|"$/g, '').toLowerCase();
    const ts = params.find((x) => /^transfer-syntax=/i.test(x))?.slice(16).replace(/^"|"$/g, '');
    return (t === undefined || t === 'application/octet-stream') && (ts === undefined || ts === '*' || ts === '1.2.840.10008.1.2.1');
  });
}

function sendOctetParts(res: Response, parts: Buffer[]): void {
  const boundary = `pacs-${randomBytes(12).toString('hex')}`;
  res.status(200).setHeader('Content-Type', `multipart/related; type="application/octet-stream"; boundary=${boundary}`);
  const chunks: Buffer[] = [];
  for (const part of parts) {
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Type: application/octet-stream; transfer-syntax=1.2.840.10008.1.2.1\r\nContent-Length: ${part.length}\r\n\r\n`), part, Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  res.end(Buffer.concat(chunks));
}
