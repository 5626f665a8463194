import { createHash } from 'node:crypto';
import { DataSetEndCheck, DicomParseError, dataSetEncoding, isValidUid, readPart10Header, tagForKeyword, type Part10Header } from '@pacs/dicom';
import { encodeInstanceReceived, instanceReceivedMsgId, type InstanceReceived } from '@pacs/domain';
import { StreamFullError, type Bus } from '@pacs/messaging';
import type { Logger } from '@pacs/platform';
import { ObjectNotFoundError, type ObjectListEntry, type ObjectStore } from '@pacs/storage';
import { abortableSleep } from './abortable-sleep';
import type { IndexerBacklog } from './indexer-backlog';

/** Header bytes read from an object, as the indexer reads them when an event carries none. */
const MAX_HEADER_BYTES = 64 * 1024 * 1024;
const STREAM_FULL_RETRY_MS = 1_000;
const TIER = /^[a-z][a-z0-9-]*$/;
const TAG = {
  SOPInstanceUID: tagForKeyword('SOPInstanceUID') as number,
  SOPClassUID: tagForKeyword('SOPClassUID') as number,
  StudyInstanceUID: tagForKeyword('StudyInstanceUID') as number,
  SeriesInstanceUID: tagForKeyword('SeriesInstanceUID') as number,
};

/** A stored object regen cannot announce: not a Part 10 file, or without valid instance UIDs. */
export class UnannounceableObjectError extends Error {
  override readonly name: string = 'UnannounceableObjectError';
  constructor(
    readonly key: string,
    reason: string,
  ) {
    super(`${key}: ${reason}`);
  }
}

/**
 * A stored object that ends before its data set does: written by a PUT cut off midway on a
 * store that does not make a PUT atomic (s3rver does not; S3 and MinIO do), or truncated by
 * another tool. Our listener never acknowledged it (it answers only after a complete put), and
 * indexing it would serve broken bytes, so it is reported and left for an operator.
 */
export class IncompleteObjectError extends UnannounceableObjectError {
  override readonly name = 'IncompleteObjectError';
}

export interface StoredObjectAnnouncerOptions {
  /** Subject instance.received is published on (ingestTopology). */
  subject: string;
  /** Tier recorded for objects stored without one in their metadata (ingest.tier). */
  defaultTier: string;
  /** Largest header carried in the event (ingest.headerCapBytes); above it the indexer reads the object. */
  headerCapBytes: number;
  /** Announcing waits while more events than this wait for the indexer (regen.maxBacklog). */
  maxBacklog: number;
  /** Who announces, in the event's peer field ("regen", "reconciler"). */
  source: string;
  /**
   * Appended to the msgId. Regen sets one per run: its events must reach the indexer even
   * when the listener's announcement of the same object is still inside the stream's dedupe
   * window (an index deleted minutes after ingest), while a publish retried within the run
   * stays deduplicated. The reconciler sets none: its announcement of an object the listener
   * did announce moments ago is then dropped by the stream instead of indexed twice.
   */
  msgIdSuffix?: string;
}

export type Skipped = { outcome: 'skipped'; reason: 'gone' | 'other-study' };
export type PreparedAnnouncement = { outcome: 'prepared'; event: InstanceReceived } | Skipped;
export type AnnounceOutcome = { outcome: 'announced'; event: InstanceReceived; duplicate: boolean } | Skipped;

/**
 * Re-announces an object found in storage as "instance.received", exactly as the listener
 * would have: same contract, digest and size of the stored object, its key and tier, msgId
 * from instanceReceivedMsgId (so an announcement still in the stream's dedupe window is not
 * repeated). The indexer then does the rest, idempotently (Conquest's "regen").
 */
export class StoredObjectAnnouncer {
  constructor(
    private readonly store: ObjectStore,
    private readonly bus: Bus,
    private readonly backlog: IndexerBacklog,
    private readonly options: StoredObjectAnnouncerOptions,
    private readonly logger: Logger,
  ) {}

  async announce(entry: ObjectListEntry, filter: { studyInstanceUid?: string } = {}, signal?: AbortSignal): Promise<AnnounceOutcome> {
    const prepared = await this.prepare(entry, filter);
    if (prepared.outcome === 'skipped') return prepared;
    return this.publish(prepared.event, signal);
  }

  /** The event for a stored object, read from its header and metadata; nothing published yet. */
  async prepare(entry: ObjectListEntry, filter: { studyInstanceUid?: string } = {}): Promise<PreparedAnnouncement> {
    const header = await this.readHeader(entry.key);
    if (!header) return { outcome: 'skipped', reason: 'gone' };
    const uids = instanceUids(entry.key, header);
    if (filter.studyInstanceUid !== undefined && uids.studyInstanceUid !== filter.studyInstanceUid) return { outcome: 'skipped', reason: 'other-study' };
    const head = await this.store.head(entry.key);
    if (!head) return { outcome: 'skipped', reason: 'gone' };
    const tier = head.metadata['tier'] !== undefined && TIER.test(head.metadata['tier']) ? head.metadata['tier'] : this.options.defaultTier;
    const carried = header.stoppedAt !== 'cap' && header.header.length <= this.options.headerCapBytes;
    const event: InstanceReceived = {
      v: 1,
      ...uids,
      transferSyntaxUid: header.meta.transferSyntaxUid,
      tier,
      storageKey: entry.key,
      // A store that cannot vouch for a digest (object written by another tool, or a put that
      // never finished): hash the bytes, checking on the way that the data set is whole.
      digest: head.sha256 ?? (await this.digestOfWholeObject(entry.key, header)),
      size: head.size,
      callingAe: header.meta.sourceApplicationEntityTitle?.trim() ?? '',
      calledAe: '',
      peer: this.options.source,
      receivedAt: head.lastModified.toISOString(),
      ...(carried ? { header: header.header.toString('base64') } : {}),
    };
    return { outcome: 'prepared', event };
  }

  /** Publishes once the indexer backlog allows; a full stream is waited out, not a failure. */
  async publish(event: InstanceReceived, signal?: AbortSignal): Promise<AnnounceOutcome> {
    await this.backlog.waitAtMost(this.options.maxBacklog, signal);
    for (;;) {
      try {
        const base = instanceReceivedMsgId(event);
        const msgId = this.options.msgIdSuffix ? `${base}:${this.options.msgIdSuffix}` : base;
        const ack = await this.bus.publish(this.options.subject, encodeInstanceReceived(event), { msgId });
        this.logger.debug({ key: event.storageKey, sopInstanceUid: event.sopInstanceUid, duplicate: ack.duplicate }, 'stored object announced');
        return { outcome: 'announced', event, duplicate: ack.duplicate };
      } catch (err) {
        if (!(err instanceof StreamFullError) || signal?.aborted) throw err;
        this.logger.warn({ key: event.storageKey }, 'ingest stream full; waiting for the indexer');
        await abortableSleep(STREAM_FULL_RETRY_MS, signal);
      }
    }
  }

  /** The object's header; undefined when it was deleted since it was listed. */
  private async readHeader(key: string): Promise<Part10Header | undefined> {
    try {
      return await readPart10Header(await this.store.get(key), MAX_HEADER_BYTES);
    } catch (err) {
      if (err instanceof ObjectNotFoundError) return undefined;
      if (err instanceof DicomParseError && err.reason === 'truncated') throw new IncompleteObjectError(key, `incomplete: ${err.message}`);
      if (err instanceof DicomParseError) throw new UnannounceableObjectError(key, `not a readable DICOM Part 10 object: ${err.message}`);
      throw err;
    }
  }

  /** SHA-256 of every byte; throws IncompleteObjectError when the data set ends inside an element (PS3.5 §7.1). */
  private async digestOfWholeObject(key: string, header: Part10Header): Promise<string> {
    const hash = createHash('sha256');
    // Deflated data sets (PS3.5 A.5) show their structure only inflated: hashed unchecked.
    const check = dataSetEncoding(header.meta.transferSyntaxUid).deflated ? undefined : new DataSetEndCheck(header.meta.transferSyntaxUid);
    let offset = 0;
    try {
      for await (const chunk of await this.store.get(key)) {
        const bytes = chunk as Buffer;
        hash.update(bytes);
        if (check && offset + bytes.length > header.dataSetOffset) check.push(bytes.subarray(Math.max(0, header.dataSetOffset - offset)));
        offset += bytes.length;
      }
      check?.end();
    } catch (err) {
      if (err instanceof DicomParseError && err.reason === 'truncated') throw new IncompleteObjectError(key, `incomplete after ${offset} bytes: ${err.message}`);
      if (err instanceof DicomParseError) throw new UnannounceableObjectError(key, `not a readable DICOM data set: ${err.message}`);
      throw err;
    }
    return hash.digest('hex');
  }
}

function instanceUids(key: string, header: Part10Header): Pick<InstanceReceived, 'sopInstanceUid' | 'sopClassUid' | 'studyInstanceUid' | 'seriesInstanceUid'> {
  const ds = header.dataSet;
  const pick = (keyword: keyof typeof TAG, fallback?: string): string => {
    const uid = ds.getUid(TAG[keyword]) ?? fallback;
    if (uid === undefined || uid === '') throw new UnannounceableObjectError(key, `${keyword} missing from the header`);
    if (!isValidUid(uid)) throw new UnannounceableObjectError(key, `${keyword} is not a valid UID (PS3.5 §9.1)`);
    return uid;
  };
  return {
    sopInstanceUid: pick('SOPInstanceUID', header.meta.mediaStorageSopInstanceUid),
    sopClassUid: pick('SOPClassUID', header.meta.mediaStorageSopClassUid),
    studyInstanceUid: pick('StudyInstanceUID'),
    seriesInstanceUid: pick('SeriesInstanceUID'),
  };
}
