// The outbox of new object locations (filled by a trigger in the indexer's transaction, see
// migration 1764374400000). Draining it and enqueueing the jobs it asks for is one transaction,
// so an event is turned into jobs exactly once, by whichever archiver replica takes it.
import type { DataSource } from 'typeorm';
import { inTransaction } from '../sql-transaction';
import { enqueueJobIn, type NewJob } from './archive-job-queue';

/** A location added by the indexer (or the archiver), with what rules need to know of its instance. */
export interface NewLocationEvent {
  instanceId: string;
  tier: string;
  storageKey: string;
  digest: string;
  size: number;
  sopInstanceUid: string;
  sopClassUid: string;
  seriesInstanceUid: string;
  studyInstanceUid: string;
  /** Calling AE of the reception; '' when unknown (rebuilt from storage). */
  sourceAe: string;
  modality: string;
  stationName: string;
  /** Patient, study, series and instance attributes (DICOM JSON) together. */
  attributes: Record<string, object>;
}

interface RawEvent {
  instance_id: string;
  tier: string;
  storage_key: string;
  digest: string;
  size: string;
  sop_instance_uid: string;
  sop_class_uid: string;
  series_instance_uid: string;
  study_instance_uid: string;
  source_ae: string | null;
  modality: string | null;
  station_name: string | null;
  attributes: Record<string, object>;
}

/** What a drain's plan reads of the events (see ArchiveOutbox.drain). */
export type OutboxNeeds = 'nothing' | 'locations' | 'attributes';

export class ArchiveOutbox {
  constructor(private readonly db: DataSource) {}

  /**
   * Takes up to `limit` events (skipping those another replica is taking), asks `plan` for the
   * jobs they need, and enqueues them, all in one transaction. `plan` must not use the
   * database. Returns the number of events taken.
   *
   * `needs` says what `plan` reads: 'nothing' (no mirror tier, no forward rule: the events are
   * only removed), 'locations' (mirrors only: the events without their attributes, whose
   * merging of four levels of JSON is most of the cost) or 'attributes' (forward rules match on them).
   */
  drain(limit: number, plan: (events: NewLocationEvent[]) => NewJob[], needs: OutboxNeeds = 'attributes'): Promise<number> {
    return inTransaction(this.db, async (sql) => {
      const taken = await sql.query<{ location_fk: string }>(
        `DELETE FROM "archive_outbox" WHERE "id" IN (SELECT "id" FROM "archive_outbox" ORDER BY "id" LIMIT $1::int FOR UPDATE SKIP LOCKED)
         RETURNING "location_fk"::text AS location_fk`,
        [limit],
      );
      if (taken.length === 0 || needs === 'nothing') return taken.length;
      // A location removed meanwhile (instance replaced or deleted) asks for nothing.
      const rows = await sql.query<RawEvent>(
        `SELECT i."id"::text AS instance_id, l."tier", l."storage_key", l."digest", l."size"::text AS size,
           i."sop_instance_uid", i."sop_class_uid", se."series_instance_uid", st."study_instance_uid", i."source_ae", se."modality", se."station_name",
           ${needs === 'attributes' ? `(p."attributes" || st."attributes" || se."attributes" || i."attributes")` : `'{}'::jsonb`} AS attributes
         FROM "object_location" l JOIN "instance" i ON i."id" = l."instance_fk" JOIN "series" se ON se."id" = i."series_fk"
           JOIN "study" st ON st."id" = se."study_fk" JOIN "patient" p ON p."id" = st."patient_fk"
         WHERE l."id" = ANY($1::bigint[]) ORDER BY l."id"`,
        [taken.map((t) => t.location_fk)],
      );
      const events = rows.map((r): NewLocationEvent => ({
        instanceId: r.instance_id, tier: r.tier, storageKey: r.storage_key, digest: r.digest, size: Number(r.size),
        sopInstanceUid: r.sop_instance_uid, sopClassUid: r.sop_class_uid, seriesInstanceUid: r.series_instance_uid, studyInstanceUid: r.study_instance_uid,
        sourceAe: r.source_ae ?? '', modality: r.modality ?? '', stationName: r.station_name ?? '', attributes: r.attributes,
      }));
      for (const job of events.length > 0 ? plan(events) : []) await enqueueJobIn(sql, job);
      return taken.length;
    });
  }

  async backlog(): Promise<number> {
    const [row]: { n: number }[] = await this.db.query(`SELECT count(*)::int AS n FROM "archive_outbox"`);
    return row?.n ?? 0;
  }
}
