import { createHash } from 'node:crypto';
import { DUPLICATE_POLICIES, type DuplicatePolicy } from '../index-model/duplicate-policy';

// The "instance.received" event: published by the listener once an object is durably stored,
// consumed by the indexer. It carries the header (the data set up to Pixel Data) so the
// indexer normally never reads storage (ARCHITECTURE.md contract 5).

/** Where ingest events live on the bus for one installation (bus.streamPrefix). */
export interface IngestTopology {
  /** JetStream stream name, e.g. PACS_INGEST. */
  stream: string;
  /** Subjects the stream captures. */
  subjects: string[];
  /** Subject of instance.received. */
  receivedSubject: string;
}

/**
 * Stream and subjects derive from the prefix, so installations (and parallel test runs)
 * sharing one NATS server never capture each other's subjects.
 */
export function ingestTopology(prefix: string): IngestTopology {
  const root = `${prefix.toLowerCase()}.ingest`;
  return { stream: `${prefix}_INGEST`, subjects: [`${root}.>`], receivedSubject: `${root}.received` };
}
/** Durable consumer name shared by every indexer (queue semantics). */
export const INDEXER_DURABLE = 'indexer';

export interface InstanceReceived {
  v: 1;
  sopInstanceUid: string;
  sopClassUid: string;
  studyInstanceUid: string;
  seriesInstanceUid: string;
  transferSyntaxUid: string;
  /** Where the Part 10 object is. */
  tier: string;
  storageKey: string;
  /** SHA-256 (hex) and size of the stored Part 10 object. */
  digest: string;
  size: number;
  callingAe: string;
  calledAe: string;
  peer: string;
  receivedAt: string;
  /** A deliberate rewrite of an instance (admin modify, merge, anonymize): the duplicate policy
   *  the indexer applies to it instead of ingest.duplicatePolicy ("replace": the new object wins). */
  duplicatePolicy?: DuplicatePolicy;
  /** The data set up to Pixel Data in transferSyntaxUid (inflated when deflated), base64;
   *  absent when it exceeded the configured cap, then the indexer reads the object. */
  header?: string;
}

/**
 * Nats-Msg-Id: a retried publish of the same stored object is stored once (JetStream dedupe).
 * The key is part of it because every upload gets its own key: the same bytes sent again by a
 * modality are a second object that must still be announced, so the indexer can see it is
 * identical and remove it; deduplicating it away here would leave it unreferenced.
 */
export const instanceReceivedMsgId = (e: Pick<InstanceReceived, 'sopInstanceUid' | 'digest' | 'storageKey'>): string =>
  `${e.sopInstanceUid}:${e.digest}:${createHash('sha1').update(e.storageKey).digest('base64url')}`;

export class InvalidEventError extends Error {
  override readonly name = 'InvalidEventError';
}

export function encodeInstanceReceived(event: InstanceReceived): Uint8Array {
  return Buffer.from(JSON.stringify(event));
}

const REQUIRED_STRINGS = [
  'sopInstanceUid', 'sopClassUid', 'studyInstanceUid', 'seriesInstanceUid', 'transferSyntaxUid',
  'tier', 'storageKey', 'digest', 'callingAe', 'calledAe', 'peer', 'receivedAt',
] as const;

export function decodeInstanceReceived(data: Uint8Array): InstanceReceived {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8'));
  } catch {
    throw new InvalidEventError('instance.received: not JSON');
  }
  const e = parsed as Record<string, unknown>;
  if (typeof e !== 'object' || e === null || e['v'] !== 1) throw new InvalidEventError('instance.received: unknown version');
  for (const key of REQUIRED_STRINGS) {
    if (typeof e[key] !== 'string') throw new InvalidEventError(`instance.received: ${key} missing`);
  }
  if (typeof e['size'] !== 'number' || !Number.isSafeInteger(e['size']) || e['size'] < 0) throw new InvalidEventError('instance.received: size invalid');
  if (e['header'] !== undefined && typeof e['header'] !== 'string') throw new InvalidEventError('instance.received: header invalid');
  if (e['duplicatePolicy'] !== undefined && !DUPLICATE_POLICIES.includes(e['duplicatePolicy'] as DuplicatePolicy)) throw new InvalidEventError('instance.received: duplicatePolicy invalid');
  return e as unknown as InstanceReceived;
}
