import type { MigrationInterface, QueryRunner } from 'typeorm';

// The reconciler asks "which of these stored keys has no location row?" for every batch of
// recently written objects; without an index on the key each batch would scan the table.
export class ObjectLocationKey1764201600000 implements MigrationInterface {
  name = 'ObjectLocationKey1764201600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX "ix_object_location_storage_key" ON "object_location" ("storage_key")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "ix_object_location_storage_key"`);
  }
}
