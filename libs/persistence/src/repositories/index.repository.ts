// The DICOM index as the indexer, Q/R and the archiver see it: no ORM types cross this line.
import type { DuplicatePolicy, IndexRecords } from '@pacs/domain';

/** Where the object just stored is, and what it is. */
export interface ObjectLocationInput {
  tier: string;
  key: string;
  /** Digest of the stored object (the duplicate policy compares these). */
  digest: string;
  size: number;
}

/** Facts of the reception that are not in the header. */
export interface InstanceReceipt {
  transferSyntaxUid: string;
  /** Calling AE title; null when unknown (e.g. rebuilt from storage). */
  sourceAe: string | null;
  /** Orders competing values: the newest reception's patient/study/series attributes win. */
  receivedAt: Date;
}

export interface UpsertInstanceInput {
  records: IndexRecords;
  location: ObjectLocationInput;
  receipt: InstanceReceipt;
  policy: DuplicatePolicy;
}

export type UpsertOutcome = 'inserted' | 'unchanged' | 'replaced' | 'rejected';

export interface StoredObjectRef {
  tier: string;
  key: string;
}

export interface UpsertInstanceResult {
  outcome: UpsertOutcome;
  /** The instance row's id (bigint as a decimal string); for 'unchanged'/'rejected' the existing row. */
  instanceId: string;
  /** An existing patient (same ID and issuer) had a different name, birth date or sex. Log it. */
  demographicsConflict: boolean;
  /** Objects no index row refers to any more (the incoming one when not kept, the old ones when
   *  replaced): the caller may delete them from storage. */
  obsoleteObjects: StoredObjectRef[];
}

export type ObjectLocationStatus = 'ok' | 'copying' | 'deleting' | 'missing';

export interface ObjectLocation {
  tier: string;
  key: string;
  digest: string;
  size: number;
  status: ObjectLocationStatus;
  createdAt: Date;
  verifiedAt: Date | null;
}

export interface DeletedStudy {
  deleted: boolean;
  instances: number;
  /** The storage objects of the deleted instances, to be removed by the caller. */
  objects: StoredObjectRef[];
}

export interface IndexRepository {
  /** Indexes one instance in one transaction; calling it again with the same input changes nothing. */
  upsertInstance(input: UpsertInstanceInput): Promise<UpsertInstanceResult>;
  /**
   * Indexes several instances in one transaction, with the result of upserting them one after
   * the other; an error fails them all (the caller may then retry them one by one).
   */
  upsertInstances(inputs: readonly UpsertInstanceInput[]): Promise<UpsertInstanceResult[]>;
  /**
   * Runs upsertInstances' statements and rolls them back: nothing is indexed. A warm-up of the
   * indexing code (and of the database's), for a process before it takes work.
   */
  rehearseUpserts(inputs: readonly UpsertInstanceInput[]): Promise<void>;
  /** How many upsert transactions are worth running at once (1 on a single-connection database). */
  readonly concurrentWriters: number;
  findInstanceLocations(sopInstanceUid: string): Promise<ObjectLocation[]>;
  countInstances(): Promise<number>;
  /** Removes the study, its series, instances and locations, and returns the objects to delete. */
  deleteStudy(studyInstanceUid: string): Promise<DeletedStudy>;
}
