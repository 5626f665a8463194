// The AE map as stored (table ae_map_entry, Conquest's acrnema.map): entries in first-match
// order. Seeding makes the configuration-sourced entries exactly the configured ones (the
// configuration wins over an API edit of the same title); API entries are left alone.
import type { AeMapEntry } from '@pacs/domain';
import type { DataSource } from 'typeorm';
import { inTransaction, sqlState } from '../sql-transaction';

export type AeMapEntrySource = 'config' | 'api';

export interface StoredAeMapEntry extends AeMapEntry {
  id: string;
  position: number;
  source: AeMapEntrySource;
  createdAt: string;
  updatedAt: string;
}

/** Another entry already has this title (titles are unique, wildcards included). */
export class AeTitleTakenError extends Error {
  override readonly name = 'AeTitleTakenError';
}

interface Row {
  id: string;
  ae_title: string;
  host: string;
  port: number;
  tls: boolean;
  store: boolean;
  query: boolean;
  retrieve: boolean;
  position: number;
  preferred_transfer_syntax: string | null;
  description: string | null;
  source: AeMapEntrySource;
  created_at: Date | string;
  updated_at: Date | string;
}

const COLUMNS = `"id"::text AS id, "ae_title", "host", "port", "tls", "store", "query", "retrieve", "position",
  "preferred_transfer_syntax", "description", "source", "created_at", "updated_at"`;

function toEntry(r: Row): StoredAeMapEntry {
  return {
    id: r.id,
    aeTitle: r.ae_title,
    host: r.host,
    port: r.port,
    tls: r.tls,
    store: r.store,
    query: r.query,
    retrieve: r.retrieve,
    ...(r.preferred_transfer_syntax ? { preferredTransferSyntax: r.preferred_transfer_syntax } : {}),
    ...(r.description ? { description: r.description } : {}),
    position: r.position,
    source: r.source,
    createdAt: new Date(r.created_at).toISOString(),
    updatedAt: new Date(r.updated_at).toISOString(),
  };
}

function values(e: AeMapEntry): unknown[] {
  return [e.aeTitle, e.host, e.port, e.tls, e.store, e.query, e.retrieve, e.preferredTransferSyntax ?? null, e.description ?? null];
}

function taken<T>(aeTitle: string) {
  return (err: unknown): T => {
    if (sqlState(err) === '23505') throw new AeTitleTakenError(`an AE map entry titled ${JSON.stringify(aeTitle)} exists already`);
    throw err;
  };
}

export class AeMapRepository {
  constructor(private readonly db: DataSource) {}

  /** Every entry, in first-match order. */
  async list(): Promise<StoredAeMapEntry[]> {
    const rows: Row[] = await this.db.query(`SELECT ${COLUMNS} FROM "ae_map_entry" ORDER BY "position", "id"`);
    return rows.map(toEntry);
  }

  async get(id: string): Promise<StoredAeMapEntry | undefined> {
    if (!/^\d{1,18}$/.test(id)) return undefined;
    const rows: Row[] = await this.db.query(`SELECT ${COLUMNS} FROM "ae_map_entry" WHERE "id" = $1::bigint`, [id]);
    return rows[0] ? toEntry(rows[0]) : undefined;
  }

  /** Adds an API entry; without a position it goes last (after every pattern already there). */
  async add(entry: AeMapEntry, position?: number): Promise<StoredAeMapEntry> {
    const rows: Row[] = await this.db
      .query(
        `INSERT INTO "ae_map_entry" ("ae_title", "host", "port", "tls", "store", "query", "retrieve", "preferred_transfer_syntax", "description", "position", "source")
         VALUES ($1::text, $2::text, $3::int, $4::boolean, $5::boolean, $6::boolean, $7::boolean, $8::text, $9::text,
           COALESCE($10::int, (SELECT COALESCE(max("position"), -1) + 1 FROM "ae_map_entry")), 'api')
         RETURNING ${COLUMNS}`,
        [...values(entry), position ?? null],
      )
      .catch(taken<Row[]>(entry.aeTitle));
    return toEntry(rows[0] as Row);
  }

  /** Replaces an entry's fields; an edited configuration entry becomes an API entry until the next seeding. */
  async update(id: string, entry: AeMapEntry, position?: number): Promise<StoredAeMapEntry | undefined> {
    if (!/^\d{1,18}$/.test(id)) return undefined;
    const rows: Row[] = await this.db
      .query(
        `UPDATE "ae_map_entry" SET "ae_title" = $1::text, "host" = $2::text, "port" = $3::int, "tls" = $4::boolean, "store" = $5::boolean,
           "query" = $6::boolean, "retrieve" = $7::boolean, "preferred_transfer_syntax" = $8::text, "description" = $9::text,
           "position" = COALESCE($10::int, "position"), "updated_at" = now()
         WHERE "id" = $11::bigint RETURNING ${COLUMNS}`,
        [...values(entry), position ?? null, id],
      )
      .catch(taken<Row[]>(entry.aeTitle));
    // TypeORM answers an UPDATE … RETURNING with [rows, count].
    const list = (Array.isArray(rows[0]) ? rows[0] : rows) as Row[];
    return list[0] ? toEntry(list[0]) : undefined;
  }

  async remove(id: string): Promise<StoredAeMapEntry | undefined> {
    if (!/^\d{1,18}$/.test(id)) return undefined;
    const rows = (await this.db.query(`DELETE FROM "ae_map_entry" WHERE "id" = $1::bigint RETURNING ${COLUMNS}`, [id])) as unknown[];
    const list = (Array.isArray(rows[0]) ? rows[0] : rows) as Row[];
    return list[0] ? toEntry(list[0]) : undefined;
  }

  /**
   * Makes the configuration-sourced entries exactly `entries` (by title, positions in
   * configuration order, before the API entries): added, overwritten, and those no longer
   * configured removed. An API entry of the same title is taken over by the configuration.
   */
  seedFromConfig(entries: readonly AeMapEntry[]): Promise<void> {
    return inTransaction(this.db, async (sql) => {
      const titles = entries.map((e) => e.aeTitle.trim());
      await sql.query(`DELETE FROM "ae_map_entry" WHERE "source" = 'config' AND NOT ("ae_title" = ANY($1::text[]))`, [titles]);
      for (const [position, entry] of entries.entries()) {
        await sql.query(
          `INSERT INTO "ae_map_entry" ("ae_title", "host", "port", "tls", "store", "query", "retrieve", "preferred_transfer_syntax", "description", "position", "source")
           VALUES ($1::text, $2::text, $3::int, $4::boolean, $5::boolean, $6::boolean, $7::boolean, $8::text, $9::text, $10::int, 'config')
           ON CONFLICT ("ae_title") DO UPDATE SET "host" = EXCLUDED."host", "port" = EXCLUDED."port", "tls" = EXCLUDED."tls",
             "store" = EXCLUDED."store", "query" = EXCLUDED."query", "retrieve" = EXCLUDED."retrieve",
             "preferred_transfer_syntax" = EXCLUDED."preferred_transfer_syntax", "description" = EXCLUDED."description",
             "position" = EXCLUDED."position", "source" = 'config', "updated_at" = now()`,
          [...values({ ...entry, aeTitle: entry.aeTitle.trim() }), position - entries.length],
        );
      }
    });
  }
}
