import { INDEXER_DURABLE, InvalidEventError, InvalidInstanceError, decodeInstanceReceived } from '@pacs/domain';
import { TypeOrmIndexRepository } from '@pacs/persistence';
import { ensureIngestStream, type PacsService } from '@pacs/runtime';
import { InstanceIndexer } from './instance-indexer';

/** Redelivery delays after a failure (database down): back off, keep trying for hours. */
const BACKOFF_MS = [1_000, 2_000, 5_000, 10_000, 30_000];
const MAX_DELIVER = 1_000;

/** indexer: consumes "instance.received" (queue semantics across replicas) and upserts the index. */
export const indexerService: PacsService = {
  name: 'indexer',
  async start(ctx) {
    // The default store is opened at start so an unreachable one fails readiness early.
    const [db, bus] = await Promise.all([ctx.infra.database(), ctx.infra.bus(), ctx.infra.objectStore()]);
    const { stream } = await ensureIngestStream(bus, ctx.config);
    const indexer = new InstanceIndexer(
      new TypeOrmIndexRepository(db),
      (tier) => ctx.infra.tierStore(tier),
      { duplicatePolicy: ctx.config.ingest.duplicatePolicy, maxHeaderBytes: 64 * 1024 * 1024, inFlight: ctx.config.ingest.indexerConcurrency },
      ctx.logger,
    );
    // Before the first event, as the listener warms its receive path (ADR 0003). A failed
    // warm-up costs speed, not service.
    try {
      const warmUp = await indexer.warmUp(ctx.config.ingest.indexerWarmUpInstances);
      if (warmUp.instances > 0) ctx.logger.info({ ...warmUp, ms: Math.round(warmUp.ms) }, 'indexing path warmed up');
    } catch (err) {
      ctx.logger.warn({ err }, 'indexer warm-up failed; consuming with a cold indexing path');
    }
    const indexed = ctx.telemetry.meter.createCounter('pacs_indexer_instances_total', { description: 'Instances indexed, by outcome' });
    const latency = ctx.telemetry.meter.createHistogram('pacs_indexer_receive_to_index_seconds', { description: 'From C-STORE reception to index commit', unit: 's' });

    const consumer = await bus.consume(
      { stream, durable: INDEXER_DURABLE, maxAckPending: ctx.config.ingest.indexerConcurrency, ackWaitMs: 60_000, maxDeliver: MAX_DELIVER, backoffMs: BACKOFF_MS,
        onDeadLetter: (dl) => ctx.logger.error({ seq: dl.seq, msgId: dl.msgId, reason: dl.reason }, 'event given up; the reconciler will re-announce its object') },
      async (msg) => {
        let event;
        try {
          event = decodeInstanceReceived(msg.data);
        } catch (err) {
          if (err instanceof InvalidEventError) {
            ctx.logger.error({ seq: msg.seq, err: err.message }, 'unreadable event dropped');
            return;
          }
          throw err;
        }
        await ctx.telemetry.tracer.startActiveSpan('indexer.index', { attributes: { 'dicom.sop_instance_uid': event.sopInstanceUid, 'messaging.message.id': msg.msgId ?? '' } }, async (span) => {
          try {
            const result = await indexer.index(event);
            indexed.add(1, { outcome: result.outcome });
            latency.record((Date.now() - Date.parse(event.receivedAt)) / 1000);
          } catch (err) {
            if (err instanceof InvalidInstanceError) {
              // Not retryable: the listener validated the header, so this is a stored object the
              // index cannot represent. Logged with its key for an operator; redelivery won't help.
              ctx.logger.error({ err, key: event.storageKey, sopInstanceUid: event.sopInstanceUid }, 'instance cannot be indexed');
              indexed.add(1, { outcome: 'invalid' });
              return;
            }
            ctx.logger.warn({ err, sopInstanceUid: event.sopInstanceUid, deliveryCount: msg.deliveryCount }, 'indexing failed; will retry');
            throw err;
          } finally {
            span.end();
          }
        });
      },
    );
    ctx.shutdown.onShutdown('indexer consumer', () => consumer.stop({ timeoutMs: 20_000 }));
  },
};
