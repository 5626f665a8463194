import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Initial1764028800000 implements MigrationInterface {
  name = 'Initial1764028800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "system_setting" (
      "key" text PRIMARY KEY,
      "value" jsonb NOT NULL,
      "updated_at" timestamptz NOT NULL DEFAULT now()
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "system_setting"`);
  }
}
