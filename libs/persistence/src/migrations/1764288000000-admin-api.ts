import type { MigrationInterface, QueryRunner } from 'typeorm';

// The admin API's state (issue 7, and the AE map of issue 6):
// - ae_map_entry: Conquest's acrnema.map as a table. Titles may hold the wildcards * and ?;
//   "position" gives the first-match order. Entries from the configuration are seeded at start
//   (source 'config', the configuration wins); those added through the API have source 'api'.
// - api_token: API tokens, only their SHA-256 kept (a token is 32 random bytes, so a fast
//   hash is enough: nothing to brute-force), with a role viewer < operator < admin.
// - audit_log: one row per mutating call: who, what, which UIDs, when, and how it ended.
export class AdminApi1764288000000 implements MigrationInterface {
  name = 'AdminApi1764288000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "ae_map_entry" (
      "id" bigserial PRIMARY KEY,
      "ae_title" text NOT NULL,
      "host" text NOT NULL DEFAULT '',
      "port" integer NOT NULL DEFAULT 104,
      "tls" boolean NOT NULL DEFAULT false,
      "store" boolean NOT NULL DEFAULT true,
      "query" boolean NOT NULL DEFAULT true,
      "retrieve" boolean NOT NULL DEFAULT true,
      "position" integer NOT NULL DEFAULT 0,
      "preferred_transfer_syntax" text,
      "description" text,
      "source" text NOT NULL DEFAULT 'api',
      "created_at" timestamptz NOT NULL DEFAULT now(),
      "updated_at" timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT "uq_ae_map_entry_title" UNIQUE ("ae_title"),
      CONSTRAINT "ck_ae_map_entry_source" CHECK ("source" IN ('config', 'api')),
      CONSTRAINT "ck_ae_map_entry_port" CHECK ("port" BETWEEN 0 AND 65535)
    )`);

    await q.query(`CREATE TABLE "api_token" (
      "id" bigserial PRIMARY KEY,
      "name" text NOT NULL,
      "token_sha256" text NOT NULL,
      "role" text NOT NULL,
      "created_by" text,
      "created_at" timestamptz NOT NULL DEFAULT now(),
      "last_used_at" timestamptz,
      "revoked_at" timestamptz,
      CONSTRAINT "uq_api_token_hash" UNIQUE ("token_sha256"),
      CONSTRAINT "ck_api_token_role" CHECK ("role" IN ('viewer', 'operator', 'admin'))
    )`);
    await q.query(`CREATE UNIQUE INDEX "uq_api_token_name_active" ON "api_token" ("name") WHERE "revoked_at" IS NULL`);

    await q.query(`CREATE TABLE "audit_log" (
      "id" bigserial PRIMARY KEY,
      "at" timestamptz NOT NULL DEFAULT now(),
      "actor" text NOT NULL,
      "action" text NOT NULL,
      "target" jsonb NOT NULL DEFAULT '{}',
      "outcome" text NOT NULL,
      "status" integer,
      "detail" text,
      "remote_address" text
    )`);
    await q.query(`CREATE INDEX "ix_audit_log_at" ON "audit_log" ("at")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "audit_log"`);
    await q.query(`DROP TABLE "api_token"`);
    await q.query(`DROP TABLE "ae_map_entry"`);
  }
}
