// Forwarding rules as stored (table forward_rule): the definition is the configuration shape
// (ForwardRuleConfig) as JSON. Rules from the configuration are seeded by name at start;
// rules created through the API (source 'api') are left alone by seeding.
import type { DataSource } from 'typeorm';
import { inTransaction } from '../sql-transaction';

export interface StoredForwardRule {
  name: string;
  definition: Record<string, unknown>;
  source: 'config' | 'api';
}

export class ForwardRuleRepository {
  constructor(private readonly db: DataSource) {}

  /** Every rule, in evaluation order. */
  async list(): Promise<StoredForwardRule[]> {
    return this.db.query(`SELECT "name", "definition", "source" FROM "forward_rule" ORDER BY "position", "name"`);
  }

  /** Changes whenever a rule is added, replaced or removed (a cheap check before re-reading them all). */
  async version(): Promise<string> {
    const [row] = await this.db.query(`SELECT count(*)::text || '/' || coalesce(max("updated_at")::text, '') AS v FROM "forward_rule"`);
    return String((row as { v: string } | undefined)?.v ?? '');
  }

  async get(name: string): Promise<StoredForwardRule | undefined> {
    const rows: StoredForwardRule[] = await this.db.query(`SELECT "name", "definition", "source" FROM "forward_rule" WHERE "name" = $1::text`, [name]);
    return rows[0];
  }

  /**
   * Adds or replaces a rule of the API (last in evaluation order when new). A rule of the same
   * name from the configuration is left as it is ('configured'): the configuration owns it.
   */
  put(name: string, definition: Record<string, unknown>): Promise<'created' | 'replaced' | 'configured'> {
    return inTransaction(this.db, async (sql) => {
      const [existing] = await sql.query<{ source: string }>(`SELECT "source" FROM "forward_rule" WHERE "name" = $1::text FOR UPDATE`, [name]);
      if (existing?.source === 'config') return 'configured';
      await sql.query(
        `INSERT INTO "forward_rule" ("name", "definition", "source", "position")
         VALUES ($1::text, $2::jsonb, 'api', (SELECT coalesce(max("position"), 0) + 1 FROM "forward_rule"))
         ON CONFLICT ("name") DO UPDATE SET "definition" = EXCLUDED."definition", "updated_at" = now()`,
        [name, JSON.stringify(definition)],
      );
      return existing ? 'replaced' : 'created';
    });
  }

  /** Removes a rule of the API; one from the configuration stays ('configured'). */
  remove(name: string): Promise<'removed' | 'configured' | 'unknown'> {
    return inTransaction(this.db, async (sql) => {
      const [existing] = await sql.query<{ source: string }>(`SELECT "source" FROM "forward_rule" WHERE "name" = $1::text FOR UPDATE`, [name]);
      if (!existing) return 'unknown';
      if (existing.source === 'config') return 'configured';
      await sql.query(`DELETE FROM "forward_rule" WHERE "name" = $1::text`, [name]);
      return 'removed';
    });
  }

  /**
   * Makes the configuration-sourced rules exactly `rules` (by name, in this order): added,
   * replaced, and those no longer configured removed. A rule of the same name created through
   * the API is replaced by the configured one.
   */
  seedFromConfig(rules: readonly { name: string }[]): Promise<void> {
    return inTransaction(this.db, async (sql) => {
      await sql.query(`DELETE FROM "forward_rule" WHERE "source" = 'config' AND NOT ("name" = ANY($1::text[]))`, [rules.map((r) => r.name)]);
      for (const [position, rule] of rules.entries()) {
        await sql.query(
          `INSERT INTO "forward_rule" ("name", "definition", "source", "position") VALUES ($1::text, $2::jsonb, 'config', $3::int)
           ON CONFLICT ("name") DO UPDATE SET "definition" = EXCLUDED."definition", "source" = 'config', "position" = EXCLUDED."position", "updated_at" = now()`,
          [rule.name, JSON.stringify(rule), position],
        );
      }
    });
  }
}
