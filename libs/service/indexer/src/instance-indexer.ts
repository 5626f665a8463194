import { TransferSyntaxUid, findTransferSyntax, readDataSet, readPart10Header, type DataSet } from '@pacs/dicom';
import { toIndexRecords, type DuplicatePolicy, type InstanceReceived } from '@pacs/domain';
import type { IndexRepository, UpsertInstanceResult } from '@pacs/persistence';
import type { Logger } from '@pacs/platform';
import type { ObjectStore } from '@pacs/storage';

export interface InstanceIndexerOptions {
  duplicatePolicy: DuplicatePolicy;
  /** Header bytes read from storage when the event carries none (it was above the cap). */
  maxHeaderBytes: number;
}

/**
 * Turns one "instance.received" event into index rows. Idempotent: the repository upserts in
 * one transaction, so a redelivered event leaves the same rows. Objects the index no longer
 * refers to (a duplicate not kept, or one replaced) are removed from storage afterwards; if
 * that delete fails, the object is only unreferenced bytes, never a lost image.
 */
export class InstanceIndexer {
  constructor(
    private readonly repository: IndexRepository,
    private readonly store: ObjectStore,
    private readonly options: InstanceIndexerOptions,
    private readonly logger: Logger,
  ) {}

  async index(event: InstanceReceived): Promise<UpsertInstanceResult> {
    const header = await this.header(event);
    const result = await this.repository.upsertInstance({
      records: toIndexRecords(header),
      location: { tier: event.tier, key: event.storageKey, digest: event.digest, size: event.size },
      receipt: { transferSyntaxUid: event.transferSyntaxUid, sourceAe: event.callingAe, receivedAt: new Date(event.receivedAt) },
      policy: this.options.duplicatePolicy,
    });
    const log = this.logger.child({ sopInstanceUid: event.sopInstanceUid });
    if (result.demographicsConflict) log.warn({ studyInstanceUid: event.studyInstanceUid }, 'patient demographics differ from the indexed patient; newest kept');
    if (result.outcome === 'rejected') log.warn({ key: event.storageKey, policy: this.options.duplicatePolicy }, 'duplicate SOP Instance UID with different content rejected');
    for (const obsolete of result.obsoleteObjects) {
      await this.store.delete(obsolete.key).catch((err: unknown) => log.warn({ err, key: obsolete.key }, 'could not delete an unreferenced object'));
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
    const object = await this.store.get(event.storageKey);
    return (await readPart10Header(object, this.options.maxHeaderBytes)).dataSet;
  }
}
