import type { MigrationInterface, QueryRunner } from 'typeorm';

// The archiver's durable state (issue 8): jobs any replica may work (claimed with a lease, FOR
// UPDATE SKIP LOCKED), an outbox filled by a trigger in the indexer's own transaction when an
// object location is added (so no committed object is ever missed by the mirror or the forward
// rules, and the indexer needs no code for it), the forwarding rules, and verify reports.
export class ArchiveJobs1764374400000 implements MigrationInterface {
  name = 'ArchiveJobs1764374400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "archive_job" (
      "id" bigserial PRIMARY KEY,
      "kind" text NOT NULL,
      "target" text NOT NULL,
      "state" text NOT NULL DEFAULT 'queued',
      "payload" jsonb NOT NULL DEFAULT '{}',
      "attempts" integer NOT NULL DEFAULT 0,
      "max_attempts" integer NOT NULL DEFAULT 10,
      "next_run_at" timestamptz NOT NULL DEFAULT now(),
      "lease_owner" text,
      "lease_until" timestamptz,
      "last_error" text,
      "last_attempt_at" timestamptz,
      "created_at" timestamptz NOT NULL DEFAULT now(),
      "updated_at" timestamptz NOT NULL DEFAULT now(),
      "finished_at" timestamptz,
      CONSTRAINT "ck_archive_job_state" CHECK ("state" IN ('queued', 'running', 'done', 'failed'))
    )`);
    // One pending job per (kind, target): later instances of a study join the queued job.
    await q.query(`CREATE UNIQUE INDEX "uq_archive_job_pending" ON "archive_job" ("kind", "target") WHERE "state" = 'queued'`);
    await q.query(`CREATE INDEX "ix_archive_job_due" ON "archive_job" ("next_run_at") WHERE "state" = 'queued'`);
    await q.query(`CREATE INDEX "ix_archive_job_lease" ON "archive_job" ("lease_until") WHERE "state" = 'running'`);

    await q.query(`CREATE TABLE "archive_outbox" (
      "id" bigserial PRIMARY KEY,
      "location_fk" bigint NOT NULL,
      "created_at" timestamptz NOT NULL DEFAULT now()
    )`);
    // search_path fixed at creation: the trigger runs in whichever session inserts the location.
    await q.query(`CREATE FUNCTION "archive_outbox_location_added"() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
      BEGIN
        INSERT INTO "archive_outbox" ("location_fk") VALUES (NEW."id");
        RETURN NULL;
      END $$`);
    await q.query(`CREATE TRIGGER "tr_object_location_outbox" AFTER INSERT ON "object_location"
      FOR EACH ROW WHEN (NEW."status" = 'ok') EXECUTE FUNCTION "archive_outbox_location_added"()`);

    await q.query(`CREATE TABLE "forward_rule" (
      "name" text PRIMARY KEY,
      "definition" jsonb NOT NULL,
      "source" text NOT NULL DEFAULT 'api',
      "position" integer NOT NULL DEFAULT 0,
      "updated_at" timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT "ck_forward_rule_source" CHECK ("source" IN ('config', 'api'))
    )`);

    await q.query(`CREATE TABLE "verify_report" (
      "id" bigserial PRIMARY KEY,
      "started_at" timestamptz NOT NULL,
      "finished_at" timestamptz NOT NULL DEFAULT now(),
      "checked" integer NOT NULL,
      "ok" integer NOT NULL,
      "mismatched" integer NOT NULL,
      "missing" integer NOT NULL,
      "unreadable" integer NOT NULL,
      "problems" jsonb NOT NULL DEFAULT '[]'
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "verify_report"`);
    await q.query(`DROP TABLE "forward_rule"`);
    await q.query(`DROP TRIGGER "tr_object_location_outbox" ON "object_location"`);
    await q.query(`DROP FUNCTION "archive_outbox_location_added"()`);
    await q.query(`DROP TABLE "archive_outbox"`);
    await q.query(`DROP TABLE "archive_job"`);
  }
}
