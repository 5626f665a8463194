import { TransferSyntaxUid, findTransferSyntax, readDataSet, readPart10Header, type DataSet } from '@pacs/dicom';
import { toIndexRecords, type DuplicatePolicy, type InstanceReceived } from '@pacs/domain';
import type { IndexRepository, UpsertInstanceInput, UpsertInstanceResult } from '@pacs/persistence';
import type { Logger } from '@pacs/platform';
import type { ObjectStore } from '@pacs/storage';
import { MicroBatcher } from './micro-batcher';

/** Instances per index transaction at most. */
const MAX_BATCH = 64;
/**
 * On a single-connection database (PGlite, embedded mode) every transaction runs on the
 * process's own thread, between the listener's work: waiting a little to write several
 * instances at once costs far less CPU than writing each alone.
 */
const SINGLE_CONNECTION_LINGER_MS = 100;

export interface InstanceIndexerOptions {
  duplicatePolicy: DuplicatePolicy;
  /** Header bytes read from storage when the event carries none (it was above the cap). */
  maxHeaderBytes: number;
  /** Events the consumer delivers before waiting for acknowledgements (its maxAckPending). */
  inFlight: number;
}

/**
 * A batch is at most half the events in flight: a lingering batch goes early only once full, and
 * with the rest unacknowledged no more events come. (At 64 with 32 in flight every batch waited
 * out the linger, which capped embedded indexing below 300 instances/s.) The other half fills
 * the next batch while one is written.
 */
export const batchSizeFor = (inFlight: number): number => Math.max(1, Math.min(MAX_BATCH, Math.floor(inFlight / 2)));

/**
 * Turns one "instance.received" event into index rows. Idempotent: the repository upserts in
 * one transaction, so a redelivered event leaves the same rows. Events handled at the same
 * time share a transaction (MicroBatcher), each still acknowledged only after its commit. Objects the index no longer
 * refers to (a duplicate not kept, or one replaced) are removed from storage afterwards; if
 * that delete fails, the object is only unreferenced bytes, never a lost image.
 */
export class InstanceIndexer {
  private readonly batcher: MicroBatcher<UpsertInstanceInput, UpsertInstanceResult>;

  constructor(
    repository: IndexRepository,
    /** The object store of a storage tier (objects of several tiers may be referenced). */
    private readonly tierStore: (tier: string) => Promise<ObjectStore>,
    private readonly options: InstanceIndexerOptions,
    private readonly logger: Logger,
  ) {
    this.batcher = new MicroBatcher({
      write: (inputs) => repository.upsertInstances(inputs),
      maxBatch: batchSizeFor(options.inFlight),
      concurrency: repository.concurrentWriters,
      lingerMs: repository.concurrentWriters === 1 ? SINGLE_CONNECTION_LINGER_MS : 0,
    });
  }

  async index(event: InstanceReceived): Promise<UpsertInstanceResult> {
    const header = await this.header(event);
    const result = await this.batcher.submit({
      records: toIndexRecords(header),
      location: { tier: event.tier, key: event.storageKey, digest: event.digest, size: event.size },
      receipt: { transferSyntaxUid: event.transferSyntaxUid, sourceAe: event.callingAe, receivedAt: new Date(event.receivedAt) },
      policy: event.duplicatePolicy ?? this.options.duplicatePolicy,
    });
    const log = this.logger.child({ sopInstanceUid: event.sopInstanceUid });
    if (result.demographicsConflict) log.warn({ studyInstanceUid: event.studyInstanceUid }, 'patient demographics differ from the indexed patient; newest kept');
    if (result.outcome === 'rejected') log.warn({ key: event.storageKey, policy: this.options.duplicatePolicy }, 'duplicate SOP Instance UID with different content rejected');
    for (const obsolete of result.obsoleteObjects) {
      await this.tierStore(obsolete.tier)
        .then((store) => store.delete(obsolete.key))
        .catch((err: unknown) => log.warn({ err, tier: obsolete.tier, key: obsolete.key }, 'could not delete an unreferenced object'));
    }
    log.debug({ outcome: result.outcome }, 'indexed');
    return result;
  }

  private async header(event: InstanceReceived): Promise<DataSet> {
    if (event.header !== undefined) {
      // A deflated data set's header travels inflated, i.e. as Explicit VR Little Endian.
      const ts = findTransferSyntax(event.transferSyntaxUid)?.deflated ? TransferSyntaxUid.ExplicitVRLittleEndian : event.transferSyntaxUid;
      return readDataSet(Buffer.from(event.header, 'base64'), ts);
    }
    const object = await (await this.tierStore(event.tier)).get(event.storageKey);
    return (await readPart10Header(object, this.options.maxHeaderBytes)).dataSet;
  }
}
