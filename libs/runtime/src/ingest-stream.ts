import { ingestTopology, type IngestTopology } from '@pacs/domain';
import type { Bus } from '@pacs/messaging';
import { INDEXER_DURABLE } from '@pacs/domain';
import type { PacsConfig } from '@pacs/platform';

/** Dedupe window of instance.received: a publish retried within it is stored once. */
const DUPLICATE_WINDOW_MS = 10 * 60_000;

/**
 * Declares the ingest stream (idempotent; the listener and the indexer both call it so either
 * may start first). Work-queue retention: an event is removed once indexed, so the stream
 * holds exactly the backlog, and its limit is what turns a stalled indexer into 0xA700.
 */
export async function ensureIngestStream(bus: Bus, config: PacsConfig): Promise<IngestTopology> {
  const topology = ingestTopology(config.bus.streamPrefix);
  await bus.ensureStream({
    name: topology.stream,
    subjects: topology.subjects,
    duplicateWindowMs: DUPLICATE_WINDOW_MS,
    maxBytes: config.ingest.streamMaxBytes,
    retention: 'workqueue',
  });
  return topology;
}

/** Events waiting for the indexer: not yet delivered plus delivered and not yet acked. */
export async function indexerBacklog(bus: Bus, stream: string): Promise<number> {
  const info = await bus.streamInfo(stream);
  const consumer = info.consumers.find((c) => c.name === INDEXER_DURABLE);
  // Work-queue stream: before any indexer attached, the stream's own count is the backlog.
  return consumer ? consumer.pending + consumer.ackPending : info.messages;
}
