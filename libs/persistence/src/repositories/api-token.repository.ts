// API tokens (table api_token): only the SHA-256 of a token is stored; the token itself is
// shown once, when created. Roles are ordered viewer < operator < admin.
import type { DataSource } from 'typeorm';
import { sqlState } from '../sql-transaction';

export type ApiRole = 'viewer' | 'operator' | 'admin';
export const API_ROLES: readonly ApiRole[] = ['viewer', 'operator', 'admin'];

export interface ApiToken {
  id: string;
  name: string;
  role: ApiRole;
  createdBy: string | null;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** An active token with this name exists already. */
export class TokenNameTakenError extends Error {
  override readonly name = 'TokenNameTakenError';
}

interface Row {
  id: string;
  name: string;
  role: ApiRole;
  created_by: string | null;
  created_at: Date | string;
  last_used_at: Date | string | null;
  revoked_at: Date | string | null;
}

const COLUMNS = `"id"::text AS id, "name", "role", "created_by", "created_at", "last_used_at", "revoked_at"`;
const iso = (v: Date | string | null): string | null => (v === null ? null : new Date(v).toISOString());
const toToken = (r: Row): ApiToken => ({
  id: r.id, name: r.name, role: r.role, createdBy: r.created_by, createdAt: iso(r.created_at) as string, lastUsedAt: iso(r.last_used_at), revokedAt: iso(r.revoked_at),
});
const rowsOf = (result: unknown): Row[] => {
  const list = result as unknown[];
  return (Array.isArray(list[0]) ? list[0] : list) as Row[];
};

export class ApiTokenRepository {
  constructor(private readonly db: DataSource) {}

  async create(input: { name: string; role: ApiRole; sha256: string; createdBy: string | null }): Promise<ApiToken> {
    try {
      const rows: Row[] = await this.db.query(
        `INSERT INTO "api_token" ("name", "role", "token_sha256", "created_by") VALUES ($1::text, $2::text, $3::text, $4::text) RETURNING ${COLUMNS}`,
        [input.name, input.role, input.sha256, input.createdBy],
      );
      return toToken(rows[0] as Row);
    } catch (err) {
      if (sqlState(err) === '23505') throw new TokenNameTakenError(`an active token named ${JSON.stringify(input.name)} exists already`);
      throw err;
    }
  }

  /**
   * Makes the active token `name` the one with this hash and role (the bootstrap admin token
   * from the configuration): kept when unchanged, otherwise the old one is revoked.
   */
  async ensure(input: { name: string; role: ApiRole; sha256: string }): Promise<void> {
    const existing: { token_sha256: string; role: string }[] = await this.db.query(
      `SELECT "token_sha256", "role" FROM "api_token" WHERE "name" = $1::text AND "revoked_at" IS NULL`,
      [input.name],
    );
    if (existing[0]?.token_sha256 === input.sha256 && existing[0].role === input.role) return;
    await this.db.query(`UPDATE "api_token" SET "revoked_at" = now() WHERE "name" = $1::text AND "revoked_at" IS NULL`, [input.name]);
    await this.db.query(
      `INSERT INTO "api_token" ("name", "role", "token_sha256", "created_by") VALUES ($1::text, $2::text, $3::text, 'configuration')
       ON CONFLICT ("token_sha256") DO UPDATE SET "name" = EXCLUDED."name", "role" = EXCLUDED."role", "revoked_at" = NULL`,
      [input.name, input.role, input.sha256],
    );
  }

  /** The active token with this hash, its last use recorded. */
  async authenticate(sha256: string): Promise<ApiToken | undefined> {
    const result = await this.db.query(
      `UPDATE "api_token" SET "last_used_at" = now() WHERE "token_sha256" = $1::text AND "revoked_at" IS NULL RETURNING ${COLUMNS}`,
      [sha256],
    );
    const row = rowsOf(result)[0];
    return row ? toToken(row) : undefined;
  }

  async list(): Promise<ApiToken[]> {
    const rows: Row[] = await this.db.query(`SELECT ${COLUMNS} FROM "api_token" ORDER BY "id"`);
    return rows.map(toToken);
  }

  async revoke(id: string): Promise<ApiToken | undefined> {
    if (!/^\d{1,18}$/.test(id)) return undefined;
    const result = await this.db.query(
      `UPDATE "api_token" SET "revoked_at" = COALESCE("revoked_at", now()) WHERE "id" = $1::bigint RETURNING ${COLUMNS}`,
      [id],
    );
    const row = rowsOf(result)[0];
    return row ? toToken(row) : undefined;
  }
}
