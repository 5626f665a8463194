import type { DataSource } from 'typeorm';

/** What the reconciler asks the index about objects found in storage. */
export interface StoredObjectIndex {
  /** The keys among `keys` that no object location refers to (in the order given). */
  unindexedKeys(keys: readonly string[]): Promise<string[]>;
  /** Digest of the indexed object of this instance; undefined when the instance is not indexed. */
  indexedDigest(sopInstanceUid: string): Promise<string | undefined>;
}

export class TypeOrmStoredObjectIndex implements StoredObjectIndex {
  constructor(private readonly db: DataSource) {}

  async unindexedKeys(keys: readonly string[]): Promise<string[]> {
    if (keys.length === 0) return [];
    const rows: { key: string }[] = await this.db.query(
      `SELECT k.key FROM unnest($1::text[]) WITH ORDINALITY AS k(key, n)
       WHERE NOT EXISTS (SELECT 1 FROM "object_location" l WHERE l."storage_key" = k.key)
       ORDER BY k.n`,
      [[...keys]],
    );
    return rows.map((r) => r.key);
  }

  async indexedDigest(sopInstanceUid: string): Promise<string | undefined> {
    const [row]: { digest: string }[] = await this.db.query(`SELECT "digest" FROM "instance" WHERE "sop_instance_uid" = $1::text`, [sopInstanceUid]);
    return row?.digest;
  }
}
