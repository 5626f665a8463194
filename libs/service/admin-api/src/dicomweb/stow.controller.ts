import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { Controller, HttpCode, Inject, Param, Post, Req, Res } from '@nestjs/common';
import { isValidUid, jsonKey, Status, type DicomJson } from '@pacs/dicom';
import { ensureIngestStream, part10DataSet, StoreScp } from '@pacs/runtime';
import type { Request, Response } from 'express';
import type { AdminContext } from '../admin-context';
import { actorOf } from '../auth/auth';
import { noteAudit } from '../auth/audit';
import { Problem, uidParam } from '../http-problem';
import { ADMIN_CONTEXT } from '../tokens';
import { dicomWebBase } from './dicomweb-urls';
import { boundaryOf, MultipartError, multipartParts } from './multipart';

/** PS3.18 Table 10.5.3-2 failure reasons besides the C-STORE statuses. */
const FAILURE = { processing: 0x0110, referencedSop: 0xa900, notPart10: 0xc000 } as const;
const MAX_INSTANCES = 10_000;

interface Stored {
  sopClassUid: string;
  sopInstanceUid: string;
  studyInstanceUid?: string;
  seriesInstanceUid?: string;
  status: number;
  comment?: string;
}

/** A request body bounded to http.maxUploadBytes, checked as it arrives. */
async function* bounded(req: Request, max: number, exceeded: { yes: boolean }): AsyncGenerator<Buffer> {
  let total = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > max) {
      exceeded.yes = true;
      throw new Problem(413, `upload larger than http.maxUploadBytes (${max} bytes)`);
    }
    yield chunk;
  }
}

/**
 * STOW-RS (PS3.18 §10.5): multipart/related; type="application/dicom" uploads, each instance
 * through the same durable path as a C-STORE (StoreScp: stored to object storage, then
 * instance.received published and acknowledged), answered per §10.5.3: 200 all stored, 202
 * some failed or stored with warnings, 409 none stored, with the Referenced and Failed SOP Sequences.
 */
@Controller('dicom-web/studies')
export class StowController {
  private storeScp: Promise<StoreScp> | undefined;

  constructor(@Inject(ADMIN_CONTEXT) private readonly admin: AdminContext) {}

  private scp(): Promise<StoreScp> {
    this.storeScp ??= (async () => {
      const { config, logger } = this.admin.ctx;
      const [store, bus] = [await this.admin.ctx.infra.objectStore(), this.admin.bus];
      const topology = await ensureIngestStream(bus, config);
      return new StoreScp(store, bus, {
        subject: topology.receivedSubject,
        keyTemplate: config.ingest.keyTemplate,
        headerCapBytes: config.ingest.headerCapBytes,
        storageFailureStatus: config.ingest.storageFailureStatus,
        tier: config.ingest.tier,
      }, logger.child({ component: 'stow-rs' }));
    })();
    this.storeScp.catch(() => (this.storeScp = undefined));
    return this.storeScp;
  }

  @Post()
  @HttpCode(200)
  store(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.stow(undefined, req, res);
  }

  @Post(':study')
  @HttpCode(200)
  storeInStudy(@Param('study') study: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    return this.stow(uidParam(study, 'Study Instance UID'), req, res);
  }

  private async stow(study: string | undefined, req: Request, res: Response): Promise<void> {
    const contentType = req.headers['content-type'] ?? '';
    const boundary = boundaryOf(contentType);
    if (!/^multipart\/related\s*;/i.test(contentType) || !boundary) {
      throw new Problem(415, 'STOW-RS takes multipart/related; type="application/dicom"; boundary=… (PS3.18 §10.5.1.2)');
    }
    const type = /;\s*type="?([^";]+)"?/i.exec(contentType)?.[1]?.toLowerCase();
    if (type !== undefined && type !== 'application/dicom') {
      throw new Problem(415, `only type="application/dicom" parts are accepted here (got ${type}); metadata+bulk data uploads are not supported`);
    }
    const max = this.admin.ctx.config.http.maxUploadBytes;
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (Number.isFinite(declared) && declared > max) throw new Problem(413, `upload of ${declared} bytes is larger than http.maxUploadBytes (${max} bytes)`);

    const scp = await this.scp();
    const results: Stored[] = [];
    const exceeded = { yes: false };
    const uploadId = randomBytes(6).toString('hex');
    try {
      let n = 0;
      for await (const part of multipartParts(bounded(req, max, exceeded), boundary)) {
        if (++n > MAX_INSTANCES) throw new Problem(413, `more than ${MAX_INSTANCES} instances in one upload`);
        results.push(await this.storeOne(scp, part.headers, part.body, study, uploadId, n, req, res));
      }
    } catch (err) {
      if (err instanceof MultipartError) throw new Problem(400, `malformed multipart body: ${err.message}`);
      throw err;
    }
    if (results.length === 0) throw new Problem(400, 'the upload holds no instance');
    noteAudit(res, {
      action: 'stow-rs.store',
      target: { ...(study ? { studyInstanceUid: study } : {}), sopInstanceUids: results.filter((r) => isSuccess(r.status)).slice(0, 100).map((r) => r.sopInstanceUid) },
      detail: `${results.filter((r) => isSuccess(r.status)).length} stored, ${results.filter((r) => !isSuccess(r.status)).length} failed`,
    });
    this.answer(study, results, req, res);
  }

  private async storeOne(
    scp: StoreScp, headers: Record<string, string>, body: AsyncGenerator<Buffer>, study: string | undefined, uploadId: string, n: number, req: Request, res: Response,
  ): Promise<Stored> {
    const partType = (headers['content-type'] ?? 'application/dicom').split(';')[0]?.trim().toLowerCase();
    if (partType !== 'application/dicom') {
      await body.return(undefined);
      return { sopClassUid: '', sopInstanceUid: '', status: FAILURE.notPart10, comment: `part ${n} is ${partType}, not application/dicom` };
    }
    let parsed;
    try {
      parsed = await part10DataSet(Readable.from(body, { objectMode: false }));
    } catch (err) {
      return { sopClassUid: '', sopInstanceUid: '', status: FAILURE.notPart10, comment: `part ${n} is not a DICOM Part 10 file: ${err instanceof Error ? err.message : String(err)}` };
    }
    const { meta, dataSet } = parsed;
    const base = { sopClassUid: meta.mediaStorageSopClassUid ?? '', sopInstanceUid: meta.mediaStorageSopInstanceUid ?? '' };
    if (!isValidUid(base.sopInstanceUid) || !isValidUid(base.sopClassUid)) {
      dataSet.destroy();
      return { ...base, status: Status.UnableToProcess, comment: 'file meta information names no valid SOP Class/Instance UID' };
    }
    const outcome = await scp.handle({
      assocId: `stow-${uploadId}-${n}`,
      callingAe: (actorOf(res)?.name ?? 'STOW-RS').slice(0, 16),
      calledAe: this.admin.ctx.config.dicom.aeTitle,
      peer: `${req.socket.remoteAddress ?? '?'}:${req.socket.remotePort ?? '?'}`,
      sopClassUid: base.sopClassUid,
      sopInstanceUid: base.sopInstanceUid,
      transferSyntaxUid: meta.transferSyntaxUid,
      dataSet,
      ...(study ? { expectedStudyInstanceUid: study } : {}),
    });
    return { ...base, status: outcome.status, ...(outcome.errorComment ? { comment: outcome.errorComment } : {}) };
  }

  private answer(study: string | undefined, results: Stored[], req: Request, res: Response): void {
    const base = dicomWebBase(req);
    const ok = results.filter((r) => isSuccess(r.status));
    const failed = results.filter((r) => !isSuccess(r.status));
    const warned = ok.some((r) => r.status !== Status.Success);
    const json: DicomJson = {};
    if (study) json[jsonKey(0x00081190)] = { vr: 'UR', Value: [`${base}/studies/${study}`] };
    if (failed.length > 0) {
      json[jsonKey(0x00081198)] = {
        vr: 'SQ',
        Value: failed.map((f) => ({
          [jsonKey(0x00081150)]: f.sopClassUid ? { vr: 'UI', Value: [f.sopClassUid] } : { vr: 'UI' },
          [jsonKey(0x00081155)]: f.sopInstanceUid ? { vr: 'UI', Value: [f.sopInstanceUid] } : { vr: 'UI' },
          [jsonKey(0x00081197)]: { vr: 'US', Value: [f.status] },
          ...(f.comment ? { [jsonKey(0x00000902)]: { vr: 'LO', Value: [f.comment.slice(0, 64)] } } : {}),
        })),
      };
    }
    if (ok.length > 0) {
      json[jsonKey(0x00081199)] = {
        vr: 'SQ',
        Value: ok.map((r) => ({
          [jsonKey(0x00081150)]: { vr: 'UI', Value: [r.sopClassUid] },
          [jsonKey(0x00081155)]: { vr: 'UI', Value: [r.sopInstanceUid] },
          ...(r.status !== Status.Success ? { [jsonKey(0x00081196)]: { vr: 'US', Value: [r.status] } } : {}),
        })),
      };
    }
    // PS3.18 §10.5.3.1: 200 all stored, 202 some failed (or warnings), 409 all failed.
    const status = failed.length === 0 ? (warned ? 202 : 200) : ok.length === 0 ? 409 : 202;
    res.status(status).type('application/dicom+json').send(JSON.stringify(json));
  }
}

/** Success and the warning statuses of C-STORE (PS3.4 B.2.3: 0xB000, 0xB007, 0xB006). */
function isSuccess(status: number): boolean {
  return status === Status.Success || (status & 0xf000) === 0xb000;
}
