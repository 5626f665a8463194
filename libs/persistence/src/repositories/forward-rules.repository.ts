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
