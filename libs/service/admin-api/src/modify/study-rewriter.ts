// Rewrites the stored instances of a study through the durable ingest path: each object is read
// from storage, its header (the data set up to Pixel Data) parsed and changed, and the new header
// followed by the untouched rest of the bytes (Pixel Data streamed, never held whole) handed to
// StoreScp like any received object: stored, announced, indexed. Safe to repeat: the new object
// of an instance is the same every time, and its event asks the indexer to replace what it has.
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { Status, chunksOf, tagForKeyword, type DataSet } from '@pacs/dicom';
import type { ObjectToRead, StoredObjectRef } from '@pacs/persistence';
import { TypeOrmStoredObjectIndex } from '@pacs/persistence';
import { ensureIngestStream, part10DataSet, StoreScp } from '@pacs/runtime';
import type { AdminContext } from '../admin-context';
import { collectHeader, HeaderRewriteError, rewrittenData, type CollectedData } from './header-rewrite';

/** Largest header (everything before Pixel Data) a rewrite parses; larger ones are refused. */
export const REWRITE_HEADER_CAP = 16 * 1024 * 1024;
/** How long a rewrite waits for the indexer to show every new object before answering 503. */
const INDEX_WAIT_MS = 120_000;
const SOP_INSTANCE_UID = tagForKeyword('SOPInstanceUID') as number;

/** A rewrite that failed in a way the client should see: status and message of a problem+json. */
export class RewriteError extends Error {
  override readonly name = 'RewriteError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** One stored object of the new study, as written. */
export interface RewrittenInstance {
  from: string;
  sopInstanceUid: string;
  digest: string;
}

export class StudyRewriter {
  private storeScp: Promise<StoreScp> | undefined;
  private readonly storedIndex: TypeOrmStoredObjectIndex;

  constructor(private readonly admin: AdminContext) {
    this.storedIndex = new TypeOrmStoredObjectIndex(admin.db);
  }

  private scp(): Promise<StoreScp> {
    this.storeScp ??= (async () => {
      const { config, logger } = this.admin.ctx;
      const topology = await ensureIngestStream(this.admin.bus, config);
      return new StoreScp(await this.admin.ctx.infra.objectStore(), this.admin.bus, {
        subject: topology.receivedSubject,
        keyTemplate: config.ingest.keyTemplate,
        headerCapBytes: config.ingest.headerCapBytes,
        storageFailureStatus: config.ingest.storageFailureStatus,
        tier: config.ingest.tier,
      }, logger.child({ component: 'study-rewrite' }));
    })();
    this.storeScp.catch(() => (this.storeScp = undefined));
    return this.storeScp;
  }

  /** The readable objects of a study (one per instance), refused above http.maxRewriteInstances. */
  async objectsOf(studyInstanceUid: string): Promise<ObjectToRead[]> {
    if (!(await this.admin.browse.studyExists(studyInstanceUid))) throw new RewriteError(404, `no study ${studyInstanceUid}`);
    const objects = await this.admin.browse.objects({ studyInstanceUid }, this.admin.ctx.config.ingest.tier);
    if (objects.length === 0) throw new RewriteError(409, `study ${studyInstanceUid} has no stored object to read`);
    const max = this.admin.ctx.config.http.maxRewriteInstances;
    if (objects.length > max) throw new RewriteError(413, `study ${studyInstanceUid} has ${objects.length} instances, more than http.maxRewriteInstances (${max})`);
    return objects;
  }

  /** The header of one stored object (for the attributes a merge copies from the target). */
  async header(object: ObjectToRead): Promise<DataSet> {
    const { collected, source } = await this.readHeader(object);
    source.destroy();
    return collected.header.dataSet;
  }

  /**
   * Rewrites every object with `change` (which edits the header in place), stores each through
   * StoreScp, then waits until the index shows every new object.
   */
  async rewrite(objects: readonly ObjectToRead[], operation: string, change: (header: DataSet, object: ObjectToRead) => void): Promise<RewrittenInstance[]> {
    const scp = await this.scp();
    const runId = randomBytes(6).toString('hex');
    const written: RewrittenInstance[] = [];
    let n = 0;
    for (const object of objects) written.push(await this.rewriteOne(scp, object, change, `${operation}-${runId}-${++n}`));
    await this.waitUntilIndexed(written);
    return written;
  }

  private async readHeader(object: ObjectToRead): Promise<{ collected: CollectedData; transferSyntaxUid: string; sopClassUid: string; source: Readable }> {
    const store = await this.admin.ctx.infra.tierStore(object.tier);
    const { meta, dataSet } = await part10DataSet(await store.get(object.key));
    try {
      const collected = await collectHeader(chunksOf(dataSet), meta.transferSyntaxUid, REWRITE_HEADER_CAP);
      return { collected, transferSyntaxUid: meta.transferSyntaxUid, sopClassUid: meta.mediaStorageSopClassUid ?? object.sopClassUid, source: dataSet };
    } catch (err) {
      dataSet.destroy();
      if (err instanceof HeaderRewriteError) throw new RewriteError(422, `stored object of instance ${object.sopInstanceUid}: ${err.message}; not rewritten`);
      throw err;
    }
  }

  private async rewriteOne(scp: StoreScp, object: ObjectToRead, change: (header: DataSet, object: ObjectToRead) => void, assocId: string): Promise<RewrittenInstance> {
    const { collected, transferSyntaxUid, sopClassUid, source } = await this.readHeader(object);
    let body: AsyncIterable<Buffer>;
    try {
      body = rewrittenData(collected, transferSyntaxUid, (header) => change(header, object));
    } catch (err) {
      source.destroy();
      throw err;
    }
    const sopInstanceUid = collected.header.dataSet.getUid(SOP_INSTANCE_UID) ?? '';
    const aeTitle = this.admin.ctx.config.dicom.aeTitle;
    const outcome = await scp.handle({
      assocId,
      callingAe: aeTitle,
      calledAe: aeTitle,
      peer: 'admin-api',
      sopClassUid,
      sopInstanceUid,
      transferSyntaxUid,
      dataSet: Readable.from(body, { objectMode: false }),
      duplicatePolicy: 'replace',
    });
    source.destroy();
    if (!outcome.stored || (outcome.status !== Status.Success && (outcome.status & 0xf000) !== 0xb000)) {
      const status = `0x${outcome.status.toString(16).padStart(4, '0')}`;
      // A data set the store path refuses (0xA9xx, 0xCxxx) is the object's fault; the rest is the archive's.
      const refused = (outcome.status & 0xff00) === 0xa900 || (outcome.status & 0xf000) === 0xc000;
      throw new RewriteError(refused ? 422 : 503, `instance ${object.sopInstanceUid} not stored (${status}): ${outcome.errorComment ?? 'refused'}`);
    }
    return { from: object.sopInstanceUid, sopInstanceUid, digest: outcome.stored.digest };
  }

  /** Until the index refers to each new object (its digest), so the answer is what C-FIND shows. */
  private async waitUntilIndexed(written: readonly RewrittenInstance[]): Promise<void> {
    const deadline = performance.now() + INDEX_WAIT_MS;
    let pause = 20;
    for (const instance of written) {
      while ((await this.storedIndex.indexedDigest(instance.sopInstanceUid)) !== instance.digest) {
        if (performance.now() > deadline) {
          throw new RewriteError(503, `all ${written.length} instances are stored, but the index has not shown ${instance.sopInstanceUid} within ${INDEX_WAIT_MS / 1000} s; the request is safe to repeat`);
        }
        await new Promise((resolve) => setTimeout(resolve, pause));
        pause = Math.min(pause * 2, 500);
      }
    }
  }

  /** Removes a study from the index, then its objects from storage (as DELETE /api/studies/:uid). */
  async deleteStudy(studyInstanceUid: string): Promise<number> {
    const result = await this.admin.index.deleteStudy(studyInstanceUid);
    await this.removeObjects(result.objects);
    return result.instances;
  }

  private async removeObjects(objects: StoredObjectRef[]): Promise<void> {
    for (const object of objects) {
      try {
        await (await this.admin.ctx.infra.tierStore(object.tier)).delete(object.key);
      } catch (err) {
        this.admin.ctx.logger.warn({ err, tier: object.tier, key: object.key }, 'rewritten study: original object not removed');
      }
    }
  }
}
