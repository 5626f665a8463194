// What the cluster holds after a run: the index (PostgreSQL) and the stored objects (S3), by
// SOP Instance UID, so a test can say which acknowledged instance was lost or stored twice.
import { INDEXER_DURABLE } from '@pacs/domain';
import type { Bus } from '@pacs/messaging';
import type { DataSource } from '@pacs/persistence';
import type { ObjectStore } from '@pacs/storage';

export interface IndexedInstance {
  /** Rows of `instance` with this SOP Instance UID (the unique constraint makes it 0 or 1). */
  rows: number;
  /** Its object_location keys. */
  keys: string[];
}

export async function indexedInstances(db: DataSource, sopInstanceUids: readonly string[]): Promise<Map<string, IndexedInstance>> {
  const rows = (await db.query(
    `SELECT i.sop_instance_uid AS sop, count(DISTINCT i.id)::int AS rows, coalesce(array_agg(l.storage_key) FILTER (WHERE l.storage_key IS NOT NULL), '{}') AS keys
       FROM instance i LEFT JOIN object_location l ON l.instance_fk = i.id
      WHERE i.sop_instance_uid = ANY($1) GROUP BY i.sop_instance_uid`,
    [sopInstanceUids],
  )) as { sop: string; rows: number; keys: string[] }[];
  return new Map(rows.map((r) => [r.sop, { rows: r.rows, keys: r.keys }]));
}

/** Object keys by SOP Instance UID, read from the key layout "…/{sopInstanceUid}.{uploadId}.dcm". */
export async function storedObjects(store: ObjectStore): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  for await (const entry of store.list('')) {
    const name = entry.key.split('/').at(-1) ?? '';
    const sop = name.replace(/\.[A-Za-z0-9_-]+\.dcm$/, '');
    out.set(sop, [...(out.get(sop) ?? []), entry.key]);
  }
  return out;
}

/** Polls until `probe` returns a value (bounded; a hang guard, not a measurement). */
export async function waitUntil<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 180_000, everyMs = 250): Promise<T> {
  const giveUp = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < giveUp) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      lastError = err;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
}

/** Resolves once the indexers' durable consumer has nothing pending or unacknowledged. */
export async function waitForIndexerIdle(bus: Bus, streamPrefix: string): Promise<void> {
  await waitUntil('the indexers to catch up', async () => {
    const info = await bus.streamInfo(`${streamPrefix}_INGEST`);
    const indexer = info.consumers.find((c) => c.name === INDEXER_DURABLE);
    return indexer && indexer.pending === 0 && indexer.ackPending === 0 ? true : undefined;
  });
}
