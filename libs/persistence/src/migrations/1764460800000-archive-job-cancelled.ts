import type { MigrationInterface, QueryRunner } from 'typeorm';

// Jobs an operator cancelled (issue 7, POST /api/jobs/:id/cancel): a final state like done and
// failed, never claimed again. A worker still running such a job changes nothing, because every
// state change of JobQueue requires state 'running' under the worker's lease.
export class ArchiveJobCancelled1764460800000 implements MigrationInterface {
  name = 'ArchiveJobCancelled1764460800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "archive_job" DROP CONSTRAINT "ck_archive_job_state"`);
    await q.query(`ALTER TABLE "archive_job" ADD CONSTRAINT "ck_archive_job_state" CHECK ("state" IN ('queued', 'running', 'done', 'failed', 'cancelled'))`);
    // The job list (GET /api/jobs) pages newest first, optionally by state.
    await q.query(`CREATE INDEX "ix_archive_job_state_id" ON "archive_job" ("state", "id")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "ix_archive_job_state_id"`);
    await q.query(`DELETE FROM "archive_job" WHERE "state" = 'cancelled'`);
    await q.query(`ALTER TABLE "archive_job" DROP CONSTRAINT "ck_archive_job_state"`);
    await q.query(`ALTER TABLE "archive_job" ADD CONSTRAINT "ck_archive_job_state" CHECK ("state" IN ('queued', 'running', 'done', 'failed'))`);
  }
}
