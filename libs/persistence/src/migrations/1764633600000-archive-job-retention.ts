import type { MigrationInterface, QueryRunner } from 'typeorm';

// Finished archive jobs (done, failed, cancelled) are removed once older than
// archiver.jobRetentionDays: without it the table grew by a row per mirror copy and forward, for
// ever. The leading archiver deletes them in batches, found through this index rather than by
// reading the table.
export class ArchiveJobRetention1764633600000 implements MigrationInterface {
  name = 'ArchiveJobRetention1764633600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX "ix_archive_job_finished" ON "archive_job" ("finished_at") WHERE "state" IN ('done', 'failed', 'cancelled')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "ix_archive_job_finished"`);
  }
}
