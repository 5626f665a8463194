import { CT_IMAGE_STORAGE, TransferSyntaxUid, findTransferSyntax, generateUid, readDataSet, readPart10Header, syntheticCtHeader, writeDataSet, type DataSet } from '@pacs/dicom';
import { decodeInstanceReceived, encodeInstanceReceived, toIndexRecords, type DuplicatePolicy, type InstanceReceived } from '@pacs/domain';
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
    private readonly repository: IndexRepository,
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
    const result = await this.batcher.submit(await this.upsertInput(event));
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

  /**
   * The indexing of `instances` synthetic CT slices, in batches of the size the consumer forms and
   * a few alone, each rolled back (IndexRepository.rehearseUpserts): nothing is indexed. The event
   * decoding, header parsing, index records and SQL of the indexer, and the database's side, are
   * then compiled before the first real event, as the listener's receive path is (ADR 0003).
   */
  async warmUp(instances: number): Promise<{ instances: number; ms: number }> {
    const started = performance.now();
    const batchSize = batchSizeFor(this.options.inFlight);
    const studyInstanceUid = generateUid();
    const seriesInstanceUid = generateUid();
    let done = 0;
    for (let round = 0; done < instances; round++) {
      // One transaction in four indexes an instance alone: the one-instance path runs too.
      const size = Math.min(round % 4 === 3 ? 1 : batchSize, instances - done);
      const inputs: UpsertInstanceInput[] = [];
      for (let i = 0; i < size; i++, done++) {
        const sopInstanceUid = generateUid();
        const header = syntheticCtHeader({ studyUid: studyInstanceUid, seriesUid: seriesInstanceUid, sopInstanceUid, number: done + 1 });
        const event = decodeInstanceReceived(encodeInstanceReceived({
          v: 1, sopInstanceUid, sopClassUid: CT_IMAGE_STORAGE, studyInstanceUid, seriesInstanceUid,
          transferSyntaxUid: TransferSyntaxUid.ExplicitVRLittleEndian, tier: 'warm-up', storageKey: `warm-up/${sopInstanceUid}`,
          digest: '0'.repeat(64), size: 0, callingAe: 'WARMUP', calledAe: 'WARMUP', peer: '127.0.0.1', receivedAt: new Date().toISOString(),
          header: writeDataSet(header, TransferSyntaxUid.ExplicitVRLittleEndian).toString('base64'),
        }));
        inputs.push(await this.upsertInput(event));
      }
      await this.repository.rehearseUpserts(inputs);
    }
    return { instances: done, ms: performance.now() - started };
  }

  private async upsertInput(event: InstanceReceived): Promise<UpsertInstanceInput> {
    const header = await this.header(event);
    return {
      records: toIndexRecords(header),
      location: { tier: event.tier, key: event.storageKey, digest: event.digest, size: event.size },
      receipt: { transferSyntaxUid: event.transferSyntaxUid, sourceAe: event.callingAe, receivedAt: new Date(event.receivedAt) },
      policy: event.duplicatePolicy ?? this.options.duplicatePolicy,
    };
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
