import { randomBytes } from 'node:crypto';
import { Body, Controller, HttpCode, Inject, Param, Post, Res } from '@nestjs/common';
import { stringsToBytes, tagForKeyword, type DataSet } from '@pacs/dicom';
import {
  AttributeEncodingError, applyAttributeChanges, changesFromStudy, deidentify, derivedPseudonym, derivedUidMapping, dropGroupLengths, remapStudyUids,
  type AttributeChange,
} from '@pacs/domain';
import { TypeOrmSettingsRepository } from '@pacs/persistence';
import type { Response } from 'express';
import type { AdminContext } from '../admin-context';
import { noteAudit } from '../auth/audit';
import { Problem, uidParam } from '../http-problem';
import { ADMIN_CONTEXT } from '../tokens';
import { InvalidModifyRequestError, parseAnonymizeRequest, parseMergeRequest, parseModifyRequest } from './modify-request';
import { RewriteError, StudyRewriter } from './study-rewriter';

/** Key of the installation's secret for derived UIDs and pseudonyms (system_setting). */
const UID_SECRET_SETTING = 'modify.uidSecret';
const STUDY_INSTANCE_UID = tagForKeyword('StudyInstanceUID') as number;
/** Patient's Name of an anonymized study when the request names none (PS3.15 E.1-1: Z, or a dummy). */
const ANONYMOUS_PATIENT_NAME = 'ANONYMOUS';

export interface RewriteAnswer {
  studyInstanceUid: string;
  instances: number;
}

async function answered<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof InvalidModifyRequestError) throw new Problem(400, err.message);
    if (err instanceof RewriteError) throw new Problem(err.status, err.message);
    if (err instanceof AttributeEncodingError) throw new Problem(422, err.message);
    throw err;
  }
}

/**
 * Modify, anonymize and merge studies (issue 7, Conquest dgate's modify/anonymize/merge): every
 * instance is rewritten and stored again through the durable ingest path, so the new objects are
 * stored, announced and indexed like received ones; each answer comes once the index shows them.
 * Operators only (the default for POST), audited by the audit middleware.
 */
@Controller('api/studies')
export class ModifyController {
  private readonly rewriter: StudyRewriter;
  private readonly settings: TypeOrmSettingsRepository;

  constructor(@Inject(ADMIN_CONTEXT) private readonly admin: AdminContext) {
    this.rewriter = new StudyRewriter(admin);
    this.settings = new TypeOrmSettingsRepository(admin.db);
  }

  /** One secret per installation, made on first use, shared by every admin-api pod through the database. */
  private uidSecret(): Promise<string> {
    return this.settings.setIfAbsent(UID_SECRET_SETTING, randomBytes(32).toString('base64url'));
  }

  /**
   * PS3.15 E.1 Basic Application Level Confidentiality Profile on a copy of the study, with UIDs
   * derived from the originals (the same request gives the same study: safe to repeat).
   */
  @Post(':uid/anonymize')
  @HttpCode(202)
  anonymize(@Param('uid') uid: string, @Body() body: unknown, @Res({ passthrough: true }) res: Response): Promise<RewriteAnswer> {
    return answered(async () => {
      noteAudit(res, { action: 'study.anonymize', target: { studyInstanceUid: uid } });
      uidParam(uid, 'Study Instance UID');
      const request = parseAnonymizeRequest(body);
      const objects = await this.rewriter.objectsOf(uid);
      const secret = await this.uidSecret();
      const original = await this.admin.browse.study(uid);
      const patientId = request.patientId ?? derivedPseudonym(secret, 'patient-id', `${original?.patient.issuerOfPatientId ?? ''}\0${original?.patient.patientId ?? ''}`);
      const uids = derivedUidMapping(secret, `anonymize\0${patientId}`);
      const options = { uids, patientName: request.patientName ?? ANONYMOUS_PATIENT_NAME, patientId, keep: new Set(request.keep) };
      const written = await this.rewriter.rewrite(objects, 'anonymize', (header) => {
        deidentify(header, options);
      });
      const studyInstanceUid = uids(uid);
      noteAudit(res, { target: { newStudyInstanceUid: studyInstanceUid }, detail: `${written.length} instances${request.deleteOriginal ? ', original deleted' : ''}` });
      if (request.deleteOriginal) await this.rewriter.deleteStudy(uid);
      return { studyInstanceUid, instances: written.length };
    });
  }

  /**
   * Patient/study attributes changed on every instance. Without newUids the objects are replaced
   * under their UIDs (the indexer replaces the indexed instance); with newUids a copy gets new
   * Study, Series and SOP Instance UIDs and the original is deleted once the copy is indexed.
   */
  @Post(':uid/modify')
  @HttpCode(200)
  modify(@Param('uid') uid: string, @Body() body: unknown, @Res({ passthrough: true }) res: Response): Promise<RewriteAnswer> {
    return answered(async () => {
      noteAudit(res, { action: 'study.modify', target: { studyInstanceUid: uid } });
      uidParam(uid, 'Study Instance UID');
      const request = parseModifyRequest(body);
      noteAudit(res, { detail: `set ${request.changes.map((c) => c.keyword).join(', ')}${request.newUids ? ', new UIDs' : ''}` });
      const objects = await this.rewriter.objectsOf(uid);
      let change = (header: DataSet): void => applyChanges(header, request.changes);
      let studyInstanceUid = uid;
      if (request.newUids) {
        const uids = derivedUidMapping(await this.uidSecret(), `modify\0${JSON.stringify(request.changes.map((c) => [c.keyword, c.value]))}`);
        const ofStudy = new Set([uid, ...objects.flatMap((o) => [o.seriesInstanceUid, o.sopInstanceUid])]);
        change = (header) => {
          applyChanges(header, request.changes);
          remapStudyUids(header, uids, (u) => ofStudy.has(u));
        };
        studyInstanceUid = uids(uid);
      }
      const written = await this.rewriter.rewrite(objects, 'modify', change);
      if (request.newUids) {
        noteAudit(res, { target: { newStudyInstanceUid: studyInstanceUid } });
        await this.rewriter.deleteStudy(uid);
      }
      return { studyInstanceUid, instances: written.length };
    });
  }

  /**
   * The series of this study become series of the target: each instance gets the target's Study
   * Instance UID and patient/study attributes and keeps its Series and SOP Instance UIDs (the
   * instances are the same images, moved; the indexer replaces them under their UIDs). The source
   * study, then empty, is deleted.
   */
  @Post(':uid/merge')
  @HttpCode(200)
  merge(@Param('uid') uid: string, @Body() body: unknown, @Res({ passthrough: true }) res: Response): Promise<RewriteAnswer & { merged: number }> {
    return answered(async () => {
      noteAudit(res, { action: 'study.merge', target: { studyInstanceUid: uid } });
      uidParam(uid, 'Study Instance UID');
      const { into } = parseMergeRequest(body);
      noteAudit(res, { target: { intoStudyInstanceUid: into } });
      if (into === uid) throw new Problem(409, 'into: a study cannot be merged into itself');
      if (!(await this.admin.browse.studyExists(uid))) throw new Problem(404, `no study ${uid}`);
      const [target] = await this.admin.browse.objects({ studyInstanceUid: into }, this.admin.ctx.config.ingest.tier);
      if (!target) throw new Problem(404, `into: no study ${into} with a stored object`);
      const objects = await this.rewriter.objectsOf(uid);
      const changes = changesFromStudy(await this.rewriter.header(target));
      const written = await this.rewriter.rewrite(objects, 'merge', (header) => {
        applyChanges(header, changes);
        header.set({ kind: 'value', tag: STUDY_INSTANCE_UID, vr: 'UI', value: stringsToBytes([into], 'UI') });
      });
      // Instances received into the source study meanwhile would go with it: leave it then.
      const left = await this.admin.browse.study(uid);
      if (left && left.numberOfInstances > 0) throw new Problem(409, `${written.length} instances merged, but ${left.numberOfInstances} arrived in study ${uid} meanwhile; repeat the merge`);
      if (left) await this.rewriter.deleteStudy(uid);
      noteAudit(res, { detail: `${written.length} instances merged` });
      const study = await this.admin.browse.study(into);
      return { studyInstanceUid: into, instances: study?.numberOfInstances ?? written.length, merged: written.length };
    });
  }
}

function applyChanges(header: DataSet, changes: readonly AttributeChange[]): void {
  applyAttributeChanges(header, changes);
  dropGroupLengths(header);
}
