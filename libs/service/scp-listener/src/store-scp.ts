import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  DicomParseError, HeaderCollector, IMPLEMENTATION_CLASS_UID, IMPLEMENTATION_VERSION_NAME, Status,
  encodeFileMetaInformation, isValidUid, tagForKeyword, type CollectedHeader,
} from '@pacs/dicom';
import {
  INSTANCE_RECEIVED_SUBJECT, encodeInstanceReceived, instanceReceivedMsgId, objectKey, type InstanceReceived,
} from '@pacs/domain';
import { StreamFullError, type Bus } from '@pacs/messaging';
import type { Logger } from '@pacs/platform';
import { StorageFullError, type ObjectStore } from '@pacs/storage';

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
}

export interface StoreOutcome {
  status: number;
  errorComment?: string;
}

export interface StoreScpOptions {
  keyTemplate: string;
  headerCapBytes: number;
  /** Status for storage or bus failures (Conquest's StorageFailedErrorCode, default 0x0110). */
  storageFailureStatus: number;
  tier: string;
  /** Returns a reason to refuse new work with 0xA700 (indexer lag above the limit), or undefined. */
  backPressure?: () => string | undefined;
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
    const data = req.dataSet[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
    try {
      this.checkCommand(req);
      const { header, buffered, ended } = await this.collectHeader(req, data);
      this.checkHeader(req, header);
      const outcome = await this.storeAndAnnounce(req, header, buffered, ended, data, log);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      this.metrics?.stored(outcome.size, seconds);
      log.debug({ key: outcome.key, size: outcome.size }, 'stored');
      return { status: Status.Success };
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
  }

  private async storeAndAnnounce(
    req: IncomingStore, header: CollectedHeader, buffered: Buffer[], ended: boolean, data: AsyncIterator<Buffer>, log: Logger,
  ): Promise<{ key: string; size: number }> {
    const ds = header.dataSet;
    const studyInstanceUid = ds.getUid(UID_TAGS.StudyInstanceUID) as string;
    const seriesInstanceUid = ds.getUid(UID_TAGS.SeriesInstanceUID) as string;
    const key = objectKey(this.options.keyTemplate, {
      studyInstanceUid, seriesInstanceUid, sopInstanceUid: req.sopInstanceUid, uploadId: randomBytes(9).toString('base64url'),
    });
    const fileMeta = encodeFileMetaInformation({
      mediaStorageSopClassUid: req.sopClassUid,
      mediaStorageSopInstanceUid: req.sopInstanceUid,
      transferSyntaxUid: req.transferSyntaxUid,
      implementationClassUid: IMPLEMENTATION_CLASS_UID,
      implementationVersionName: IMPLEMENTATION_VERSION_NAME,
      sourceApplicationEntityTitle: req.callingAe,
    });
    const source = Readable.from(partTen(fileMeta, buffered, ended ? undefined : data), { objectMode: false });
    const written = await this.store.put(key, source, { contentType: 'application/dicom' });

    const event: InstanceReceived = {
      v: 1,
      sopInstanceUid: req.sopInstanceUid,
      sopClassUid: req.sopClassUid,
      studyInstanceUid,
      seriesInstanceUid,
      transferSyntaxUid: req.transferSyntaxUid,
      tier: this.options.tier,
      storageKey: key,
      digest: written.sha256,
      size: written.size,
      callingAe: req.callingAe,
      calledAe: req.calledAe,
      peer: req.peer,
      receivedAt: new Date().toISOString(),
      ...(header.stoppedAt === 'cap' ? {} : { header: header.header.toString('base64') }),
    };
    try {
      await this.bus.publish(INSTANCE_RECEIVED_SUBJECT, encodeInstanceReceived(event), { msgId: instanceReceivedMsgId(event) });
    } catch (err) {
      // Not announced means not acknowledged: remove the object so the SCU's retry is the only
      // copy. Should the delete fail too, the reconciler finds and announces the orphan.
      await this.store.delete(key).catch((deleteErr: unknown) => log.warn({ err: deleteErr, key }, 'unannounced object left for the reconciler'));
      throw err;
    }
    return { key, size: written.size };
  }

  private failureOutcome(err: unknown): StoreOutcome {
    if (err instanceof Refusal) return { status: err.status, errorComment: err.message };
    if (err instanceof StorageFullError || err instanceof StreamFullError) {
      return { status: Status.OutOfResources, errorComment: 'archive out of resources' };
    }
    return { status: this.options.storageFailureStatus, errorComment: 'archive could not store the object durably; retry later' };
  }
}

async function* partTen(fileMeta: Buffer, buffered: Buffer[], rest: AsyncIterator<Buffer> | undefined): AsyncGenerator<Buffer> {
  yield fileMeta;
  yield* buffered;
  if (!rest) return;
  for (;;) {
    const next = await rest.next();
    if (next.done) return;
    yield next.value;
  }
}

/** The response follows the whole request (PS3.7): consume what is left of the data. */
async function drain(data: AsyncIterator<Buffer>): Promise<void> {
  try {
    for (;;) if ((await data.next()).done) return;
  } catch {
    // The association is going away; nothing left to read.
  }
}
