import type { MigrationInterface, QueryRunner } from 'typeorm';

// The change feed (issue 7, like Orthanc's /changes): one row per patient, study, series or
// instance created, updated or deleted, written by triggers in the writer's own transaction, so
// no code path (indexer batch or single path, deletions, recount) can miss one.
//
// Cost per indexed row is kept small: INSERT and DELETE use statement-level triggers with
// transition tables (one INSERT … SELECT per statement, whatever the rows of a multi-row batch
// insert); UPDATE uses a row trigger whose WHEN clause drops the frequent counter updates of the
// computed keys (PS3.4 C.6.1.1) without calling any function. ON CONFLICT DO NOTHING inserts
// nothing into the transition table, so a redelivered batch records no "new" change.
//
// "tx" (the writing transaction) lets the publisher read the log in commit-safe order: rows of
// transactions older than the snapshot's xmin can no longer be joined by a lower seq.
const LEVELS = [
  { table: 'patient', level: 'patient', uid: 'patient_id', study: 'NULL::text', from: '', parent: null },
  { table: 'study', level: 'study', uid: 'study_instance_uid', study: 'r."study_instance_uid"', from: '', parent: 'patient_fk' },
  { table: 'series', level: 'series', uid: 'series_instance_uid', study: 'st."study_instance_uid"', from: 'LEFT JOIN "study" st ON st."id" = r."study_fk"', parent: 'study_fk' },
  {
    table: 'instance', level: 'instance', uid: 'sop_instance_uid', study: 'st."study_instance_uid"',
    from: 'LEFT JOIN "series" se ON se."id" = r."series_fk" LEFT JOIN "study" st ON st."id" = se."study_fk"', parent: 'series_fk',
  },
] as const;

export class ChangeLog1764547200000 implements MigrationInterface {
  name = 'ChangeLog1764547200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "change_log" (
      "seq" bigserial PRIMARY KEY,
      "kind" text NOT NULL,
      "level" text NOT NULL,
      "uid" text NOT NULL,
      "study_uid" text,
      "at" timestamptz NOT NULL DEFAULT now(),
      "tx" xid8 NOT NULL DEFAULT pg_current_xact_id()
    )`);
    // Retention prunes by age; rows are appended in time order, which BRIN serves for a few pages.
    await q.query(`CREATE INDEX "ix_change_log_at" ON "change_log" USING brin ("at")`);
    await q.query(`CREATE INDEX "ix_change_log_tx_seq" ON "change_log" ("tx", "seq")`);

    // The publisher's cursor (one row, locked by the replica publishing) and the studies waiting
    // for their quiet period to end (study-stable).
    await q.query(`CREATE TABLE "change_publisher" (
      "id" integer PRIMARY KEY CHECK ("id" = 1),
      "tx" xid8 NOT NULL,
      "seq" bigint NOT NULL,
      "pruned_at" timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`INSERT INTO "change_publisher" ("id", "tx", "seq") VALUES (1, '0'::xid8, 0)`);
    await q.query(`CREATE TABLE "change_study_activity" (
      "study_uid" text PRIMARY KEY,
      "last_instance_at" timestamptz NOT NULL
    )`);
    await q.query(`CREATE INDEX "ix_change_study_activity_last" ON "change_study_activity" ("last_instance_at")`);

    for (const l of LEVELS) {
      // search_path fixed at creation: the trigger runs in whichever session writes the row.
      await q.query(`CREATE FUNCTION "change_log_${l.table}_rows"() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
        BEGIN
          IF TG_OP = 'INSERT' THEN
            INSERT INTO "change_log" ("kind", "level", "uid", "study_uid")
              SELECT 'new-${l.level}', '${l.level}', r."${l.uid}", ${l.study} FROM new_rows r ${l.from} ORDER BY r."id";
          ELSE
            INSERT INTO "change_log" ("kind", "level", "uid", "study_uid")
              SELECT 'deleted-${l.level}', '${l.level}', r."${l.uid}", ${l.study} FROM old_rows r ${l.from} ORDER BY r."id";
          END IF;
          RETURN NULL;
        END $$`);
      await q.query(`CREATE FUNCTION "change_log_${l.table}_updated"() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
        BEGIN
          INSERT INTO "change_log" ("kind", "level", "uid", "study_uid")
            SELECT 'updated-${l.level}', '${l.level}', r."${l.uid}", ${l.study} FROM (SELECT NEW.*) r ${l.from};
          RETURN NULL;
        END $$`);
      await q.query(`CREATE TRIGGER "tr_${l.table}_change_insert" AFTER INSERT ON "${l.table}"
        REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "change_log_${l.table}_rows"()`);
      await q.query(`CREATE TRIGGER "tr_${l.table}_change_delete" AFTER DELETE ON "${l.table}"
        REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "change_log_${l.table}_rows"()`);
      // Attributes (and the digest of a replaced instance) or the parent changed; counters alone do not.
      const changed = [
        `OLD."attributes" IS DISTINCT FROM NEW."attributes"`,
        ...(l.parent ? [`OLD."${l.parent}" IS DISTINCT FROM NEW."${l.parent}"`] : []),
        ...(l.table === 'instance' ? [`OLD."digest" IS DISTINCT FROM NEW."digest"`] : []),
      ].join(' OR ');
      await q.query(`CREATE TRIGGER "tr_${l.table}_change_update" AFTER UPDATE ON "${l.table}"
        FOR EACH ROW WHEN (${changed}) EXECUTE FUNCTION "change_log_${l.table}_updated"()`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const l of LEVELS) {
      for (const op of ['insert', 'delete', 'update']) await q.query(`DROP TRIGGER "tr_${l.table}_change_${op}" ON "${l.table}"`);
      await q.query(`DROP FUNCTION "change_log_${l.table}_rows"()`);
      await q.query(`DROP FUNCTION "change_log_${l.table}_updated"()`);
    }
    await q.query(`DROP TABLE "change_study_activity"`);
    await q.query(`DROP TABLE "change_publisher"`);
    await q.query(`DROP TABLE "change_log"`);
  }
}
