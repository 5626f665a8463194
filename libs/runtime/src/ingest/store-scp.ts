// The durable store path of C-STORE (scp-listener) and STOW-RS (admin-api): one implementation.
import { Readable } from 'node:stream';
import {
  DicomParseError, HeaderCollector, checkedToEnd, chunksOf, IMPLEMENTATION_CLASS_UID, IMPLEMENTATION_VERSION_NAME, Status,
  encodeFileMetaInformation, formatTag, isValidUid, tagForKeyword, type CollectedHeader,
} from '@pacs/dicom';
import {
  ImportRuleFailedError, encodeInstanceReceived, instanceReceivedMsgId, objectKey,
  type DuplicatePolicy, type ImportDecision, type ImportRules, type InstanceReceived,
} from '@pacs/domain';
import { StreamFullError, StreamNotFoundError, type Bus } from '@pacs/messaging';
import type { Logger } from '@pacs/platform';
import { StorageFullError, type ObjectStore } from '@pacs/storage';
import { importedDataSet, type ImportedObject } from './imported-data-set';
import { newUploadId } from './upload-id';

/** One incoming C-STORE as the DIMSE layer hands it over: command first, data as it arrives. */
export interface IncomingStore {
  assocId: string;
  callingAe: string;
  calledAe: string;
  peer: string;
  sopClassUid: string;
  sopInstanceUid: string;
  transferSyntaxUid: string;
  dataSet: Readable;
  /** STOW-RS to /studies/{study} (PS3.18 §10.5.1): an instance of another study is refused. */
  expectedStudyInstanceUid?: string;
  /** A deliberate rewrite (admin modify/merge/anonymize): the indexer's duplicate policy for it. */
  duplicatePolicy?: DuplicatePolicy;
}

export interface StoreOutcome {
  status: number;
  errorComment?: string;
  /** (0000,0901): the attributes an import rule coerced, with status 0xB000. */
  offendingElements?: number[];
  /** The object stored and announced (on success). */
  stored?: { key: string; digest: string; size: number };
}

export interface StoreScpOptions {
  /** Subject instance.received is published on (ingestTopology). */
  subject: string;
  keyTemplate: string;
  headerCapBytes: number;
  /** Status for storage or bus failures (Conquest's StorageFailedErrorCode, default 0x0110). */
  storageFailureStatus: number;
  tier: string;
  /** Returns a reason to refuse new work with 0xA700 (indexer lag above the limit), or undefined. */
  backPressure?: () => string | undefined;
  /** Import rules (compileImportRules of config.importRules), applied to the header before storing. */
  importRules?: ImportRules;
}

export interface StoreScpMetrics {
  stored(bytes: number, seconds: number): void;
  failed(status: number): void;
}

const UID_KEYWORDS = ['SOPInstanceUID', 'SOPClassUID', 'StudyInstanceUID', 'SeriesInstanceUID'] as const;
const UID_TAGS = Object.fromEntries(UID_KEYWORDS.map((k) => [k, tagForKeyword(k)])) as Record<(typeof UID_KEYWORDS)[number], number>;

/** A C-STORE refused for a reason the SCU must see in its Error Comment (0000,0902). */
class Refusal extends Error {
  constructor(
    readonly status: number,
    comment: string,
  ) {
    super(comment);
  }
}

/**
 * The C-STORE SCP of the listener (PS3.4 Annex B). Success means durable twice: the Part 10
 * object is completely written to storage, then "instance.received" is published and
 * acknowledged by the stream. The data set is never held whole in memory: only the header
 * (up to Pixel Data, bounded by headerCapBytes) is buffered, to validate the UIDs and choose
 * the key before the first byte is written; the rest flows from the socket to storage with
 * backpressure.
 */
export class StoreScp {
  constructor(
    private readonly store: ObjectStore,
    private readonly bus: Bus,
    private readonly options: StoreScpOptions,
    private readonly logger: Logger,
    private readonly metrics?: StoreScpMetrics,
  ) {}

  async handle(req: IncomingStore): Promise<StoreOutcome> {
    const started = process.hrtime.bigint();
    const log = this.logger.child({ assocId: req.assocId, sopInstanceUid: req.sopInstanceUid });
    // Checked to its end: a data set cut inside Pixel Data (after the header) is refused, not stored.
    const data = checkedToEnd(chunksOf(req.dataSet), req.transferSyntaxUid);
    try {
      this.checkCommand(req);
      const { header, buffered, ended } = await this.collectHeader(req, data);
      this.checkHeader(req, header);
      const imported = this.applyImportRules(req, header, buffered, ended ? undefined : data, log);
      const outcome = await this.storeAndAnnounce(req, imported, log);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      this.metrics?.stored(outcome.size, seconds);
      log.debug({ key: outcome.key, size: outcome.size }, 'stored');
      // PS3.4 B.2.3: stored, but not as sent.
      if (imported.coerced.length > 0) {
        return { status: Status.CoercionOfDataElements, errorComment: `coerced by import rules: ${imported.coerced.map(formatTag).join(' ')}`, offendingElements: imported.coerced, stored: outcome.stored };
      }
      return { status: Status.Success, stored: outcome.stored };
    } catch (err) {
      await drain(data);
      const outcome = this.failureOutcome(err);
      this.metrics?.failed(outcome.status);
      log.warn({ status: `0x${outcome.status.toString(16).padStart(4, '0')}`, err: err instanceof Refusal ? undefined : err, comment: outcome.errorComment }, 'C-STORE failed');
      return outcome;
    }
  }

  private checkCommand(req: IncomingStore): void {
    const reason = this.options.backPressure?.();
    if (reason) throw new Refusal(Status.OutOfResources, `archive busy: ${reason}`);
    if (!isValidUid(req.sopInstanceUid)) throw new Refusal(Status.UnableToProcess, 'Affected SOP Instance UID is not a valid UID (PS3.5 §9.1)');
  }

  /** Reads until the header is complete, keeping the chunks read so far to write them first. */
  private async collectHeader(req: IncomingStore, data: AsyncIterator<Buffer>): Promise<{ header: CollectedHeader; buffered: Buffer[]; ended: boolean }> {
    const collector = new HeaderCollector(req.transferSyntaxUid, { maxHeaderBytes: this.options.headerCapBytes });
    const buffered: Buffer[] = [];
    try {
      for (;;) {
        const next = await data.next();
        if (next.done) {
          collector.end();
          return { header: collector.result as CollectedHeader, buffered, ended: true };
        }
        buffered.push(next.value);
        if (collector.push(next.value)) return { header: collector.result as CollectedHeader, buffered, ended: false };
      }
    } catch (err) {
      if (err instanceof DicomParseError) throw new Refusal(Status.UnableToProcess, `data set cannot be parsed: ${err.message}`);
      throw err;
    }
  }

  // PS3.4 B.2.3: the data set must carry the instance the command names, with valid UIDs.
  private checkHeader(req: IncomingStore, header: CollectedHeader): void {
    const ds = header.dataSet;
    for (const keyword of UID_KEYWORDS) {
      const value = ds.getUid(UID_TAGS[keyword]);
      if (value === undefined || value === '') throw new Refusal(Status.UnableToProcess, `${keyword} missing from the data set`);
      if (!isValidUid(value)) throw new Refusal(Status.UnableToProcess, `${keyword} is not a valid UID (PS3.5 §9.1)`);
    }
    if (ds.getUid(UID_TAGS.SOPInstanceUID) !== req.sopInstanceUid) throw new Refusal(Status.UnableToProcess, 'SOP Instance UID in the data set differs from the command');
    if (ds.getUid(UID_TAGS.SOPClassUID) !== req.sopClassUid) throw new Refusal(Status.IdentifierDoesNotMatchSOPClass, 'SOP Class UID in the data set differs from the command');
    if (req.expectedStudyInstanceUid !== undefined && ds.getUid(UID_TAGS.StudyInstanceUID) !== req.expectedStudyInstanceUid) {
      throw new Refusal(Status.IdentifierDoesNotMatchSOPClass, 'Study Instance UID differs from the study of the request');
    }
  }

  /**
   * Import rules on the header (Conquest's ImportConverters): a reject ends here, changes give
   * the data set that is stored, announced and indexed (the rest after the header unchanged).
   */
  private applyImportRules(
    req: IncomingStore, header: CollectedHeader, buffered: Buffer[], rest: AsyncIterator<Buffer> | undefined, log: Logger,
  ): ImportedObject {
    let decision: ImportDecision | undefined;
    try {
      decision = this.options.importRules?.size
        ? this.options.importRules.apply({ callingAe: req.callingAe, calledAe: req.calledAe, sopClassUid: req.sopClassUid }, header.dataSet)
        : undefined;
    } catch (err) {
      if (err instanceof ImportRuleFailedError) throw new Refusal(Status.ProcessingFailure, err.message);
      throw err;
    }
    if (decision?.kind === 'reject') throw new Refusal(decision.status, decision.comment);
    const modified = decision?.modified ?? false;
    if (decision && decision.applied.length > 0) log.debug({ rules: decision.applied, modified, tier: decision.tier }, 'import rules applied');
    if (modified && header.stoppedAt === 'cap') {
      // The elements after the cap were never parsed: a rewritten header could clash with them.
      log.warn({ headerCapBytes: this.options.headerCapBytes, rules: decision?.applied }, 'import rules would change a header larger than ingest.headerCapBytes; object refused');
      throw new Refusal(Status.ProcessingFailure, 'header too large for import rules to rewrite');
    }
    const ds = header.dataSet;
    for (const keyword of ['SOPInstanceUID', 'StudyInstanceUID', 'SeriesInstanceUID'] as const) {
      if (!isValidUid(ds.getUid(UID_TAGS[keyword]) ?? '')) throw new Refusal(Status.ProcessingFailure, `import rules left ${keyword} invalid`);
    }
    return {
      ...importedDataSet(header, req.transferSyntaxUid, buffered, rest, modified),
      tier: decision?.tier,
      coerced: decision?.coerced ?? [],
    };
  }

  private async storeAndAnnounce(req: IncomingStore, imported: ImportedObject, log: Logger): Promise<{ key: string; size: number; stored: NonNullable<StoreOutcome['stored']> }> {
    const ds = imported.header.dataSet;
    // A rule may have given the instance new UIDs: the stored object, its key and the event
    // all carry the new ones (the C-STORE-RSP still names the UID of the request, PS3.7 9.3.1.2).
    const sopInstanceUid = ds.getUid(UID_TAGS.SOPInstanceUID) as string;
    const studyInstanceUid = ds.getUid(UID_TAGS.StudyInstanceUID) as string;
    const seriesInstanceUid = ds.getUid(UID_TAGS.SeriesInstanceUID) as string;
    const tier = imported.tier ?? this.options.tier;
    const key = objectKey(this.options.keyTemplate, {
      studyInstanceUid, seriesInstanceUid, sopInstanceUid, uploadId: newUploadId(),
    });
    const fileMeta = encodeFileMetaInformation({
      mediaStorageSopClassUid: req.sopClassUid,
      mediaStorageSopInstanceUid: sopInstanceUid,
      transferSyntaxUid: req.transferSyntaxUid,
      implementationClassUid: IMPLEMENTATION_CLASS_UID,
      implementationVersionName: IMPLEMENTATION_VERSION_NAME,
      sourceApplicationEntityTitle: req.callingAe,
    });
    const source = Readable.from(partTen(fileMeta, imported.body), { objectMode: false });
    // The index keeps the digest (the event carries it), so the store need not. A tier chosen by
    // an import rule travels with the object so regen can restore the location as it was; regen
    // reads an object without one as of the default tier (ingest.tier, options.tier).
    const written = await this.store.put(key, source, { recordDigest: false, ...(tier === this.options.tier ? {} : { metadata: { tier } }) });

    const event: InstanceReceived = {
      v: 1,
      sopInstanceUid,
      sopClassUid: req.sopClassUid,
      studyInstanceUid,
      seriesInstanceUid,
      transferSyntaxUid: req.transferSyntaxUid,
      tier,
      storageKey: key,
      digest: written.sha256,
      size: written.size,
      callingAe: req.callingAe,
      calledAe: req.calledAe,
      peer: req.peer,
      receivedAt: new Date().toISOString(),
      ...(req.duplicatePolicy ? { duplicatePolicy: req.duplicatePolicy } : {}),
      ...(imported.header.stoppedAt === 'cap' ? {} : { header: imported.eventHeader.toString('base64') }),
    };
    try {
      await this.bus.publish(this.options.subject, encodeInstanceReceived(event), { msgId: instanceReceivedMsgId(event) });
    } catch (err) {
      // Not announced means not acknowledged. Only when the stream refused the event is it
      // certainly not there: then the object goes, so the SCU's retry is the only copy. After a
      // timeout or a lost connection the event may still arrive (NATS sends a publish buffered
      // while disconnected on reconnect) and be indexed: deleting would leave the index pointing
      // at nothing. The object stays; if the event never arrives, the reconciler announces it.
      if (err instanceof StreamFullError || err instanceof StreamNotFoundError) {
        await this.store.delete(key).catch((deleteErr: unknown) => log.warn({ err: deleteErr, key }, 'unannounced object left for the reconciler'));
      } else {
        log.warn({ key }, 'announcement outcome unknown; object kept for the index or the reconciler');
      }
      throw err;
    }
    return { key, size: written.size, stored: { key, digest: written.sha256, size: written.size } };
  }

  private failureOutcome(err: unknown): StoreOutcome {
    if (err instanceof Refusal) return { status: err.status, errorComment: err.message };
    // Found while streaming to storage (the put failed with it as its cause): the sender's fault, not ours.
    const parseError = err instanceof DicomParseError ? err : err instanceof Error && err.cause instanceof DicomParseError ? err.cause : undefined;
    if (parseError) return { status: Status.UnableToProcess, errorComment: `data set cannot be parsed: ${parseError.message}` };
    if (err instanceof StorageFullError || err instanceof StreamFullError) {
      return { status: Status.OutOfResources, errorComment: 'archive out of resources' };
    }
    return { status: this.options.storageFailureStatus, errorComment: 'archive could not store the object durably; retry later' };
  }
}

async function* partTen(fileMeta: Buffer, body: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  yield fileMeta;
  yield* body;
}

/** The response follows the whole request (PS3.7): consume what is left of the data. */
async function drain(data: AsyncIterator<Buffer>): Promise<void> {
  try {
    for (;;) if ((await data.next()).done) return;
  } catch {
    // The association is going away; nothing left to read.
  }
}
