import { randomBytes } from 'node:crypto';
import { ensureIngestStream, type ServiceContext } from '@pacs/runtime';
import { IndexerBacklog } from './indexer-backlog';
import type { RegenOutcome } from './regen';
import { StoredObjectAnnouncer } from './stored-object-announcer';

export interface Announcing {
  announcer: StoredObjectAnnouncer;
  backlog: IndexerBacklog;
  /** Counts one object in pacs_regen_objects_total. */
  counted: (outcome: RegenOutcome) => void;
}

/** The announcer of regen and the reconciler, wired from the configuration. */
export async function announcingFor(ctx: ServiceContext, job: 'regen' | 'reconciler'): Promise<Announcing> {
  const [store, bus] = await Promise.all([ctx.infra.objectStore(), ctx.infra.bus()]);
  const topology = await ensureIngestStream(bus, ctx.config);
  const backlog = new IndexerBacklog(bus, topology.stream);
  const announcer = new StoredObjectAnnouncer(store, bus, backlog, {
    subject: topology.receivedSubject,
    defaultTier: ctx.config.ingest.tier,
    headerCapBytes: ctx.config.ingest.headerCapBytes,
    maxBacklog: ctx.config.regen.maxBacklog,
    source: job,
    ...(job === 'regen' ? { msgIdSuffix: `regen-${randomBytes(6).toString('base64url')}` } : {}),
  }, ctx.logger);
  const objects = ctx.telemetry.meter.createCounter('pacs_regen_objects_total', { description: 'Stored objects re-announced to the indexer by regen and the reconciler, by job and outcome' });
  return { announcer, backlog, counted: (outcome) => objects.add(1, { job, outcome }) };
}
