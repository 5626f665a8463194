import type { MigrationInterface, QueryRunner } from 'typeorm';

// The DICOM index: the Patient/Study/Series/Image levels of the Conquest dicom.sql query keys
// as columns, each row's level attributes as DICOM JSON (jsonb) for return keys, the computed
// keys of PS3.4 C.6.1.1 kept up to date, and object locations as rows of their own.
//
// Dates are text in the DICOM DA form YYYYMMDD and times text in TM form, not SQL date/time:
// DICOM range matching (PS3.4 C.2.2.2.5) is then a plain lexicographic comparison on an
// index, partial values ("2024") and the DICOM value itself survive, and nothing is lost to a
// time zone. Values that are not valid DA are stored as NULL (the jsonb keeps them verbatim).
//
// attributes_received_at: receive time of the instance whose values the row holds, so that
// "the newest wins" also when messages are redelivered out of order.
export class Index1764115200000 implements MigrationInterface {
  name = 'Index1764115200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "patient" (
      "id" bigserial PRIMARY KEY,
      "patient_id" text NOT NULL,
      "issuer" text NOT NULL DEFAULT '',
      "patient_name" text,
      "patient_name_search" text,
      "birth_date" text,
      "sex" text,
      "attributes" jsonb NOT NULL,
      "attributes_received_at" timestamptz NOT NULL,
      "number_of_studies" integer NOT NULL DEFAULT 0,
      "created_at" timestamptz NOT NULL DEFAULT now(),
      "updated_at" timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT "uq_patient_identity" UNIQUE ("patient_id", "issuer")
    )`);
    // text_pattern_ops: the btree also serves LIKE 'PREFIX%' (DICOM wildcard matching) under any
    // collation; equality on patient_id alone is served by it as well.
    await q.query(`CREATE INDEX "ix_patient_patient_id" ON "patient" ("patient_id" text_pattern_ops)`);
    await q.query(`CREATE INDEX "ix_patient_name_search" ON "patient" ("patient_name_search" text_pattern_ops)`);

    await q.query(`CREATE TABLE "study" (
      "id" bigserial PRIMARY KEY,
      "patient_fk" bigint NOT NULL,
      "study_instance_uid" text NOT NULL,
      "study_date" text,
      "study_time" text,
      "accession_number" text,
      "study_id" text,
      "study_description" text,
      "referring_physician_name" text,
      "patient_age" text,
      "patient_weight" double precision,
      "modalities_in_study" text[] NOT NULL DEFAULT '{}',
      "number_of_series" integer NOT NULL DEFAULT 0,
      "number_of_instances" integer NOT NULL DEFAULT 0,
      "attributes" jsonb NOT NULL,
      "attributes_received_at" timestamptz NOT NULL,
      "created_at" timestamptz NOT NULL DEFAULT now(),
      "updated_at" timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT "uq_study_instance_uid" UNIQUE ("study_instance_uid"),
      CONSTRAINT "fk_study_patient" FOREIGN KEY ("patient_fk") REFERENCES "patient" ("id")
    )`);
    await q.query(`CREATE INDEX "ix_study_patient" ON "study" ("patient_fk")`);
    await q.query(`CREATE INDEX "ix_study_study_date" ON "study" ("study_date")`);
    await q.query(`CREATE INDEX "ix_study_accession_number" ON "study" ("accession_number")`);

    await q.query(`CREATE TABLE "series" (
      "id" bigserial PRIMARY KEY,
      "study_fk" bigint NOT NULL,
      "series_instance_uid" text NOT NULL,
      "modality" text,
      "series_number" integer,
      "series_date" text,
      "series_time" text,
      "series_description" text,
      "station_name" text,
      "institution_name" text,
      "body_part_examined" text,
      "protocol_name" text,
      "manufacturer" text,
      "model_name" text,
      "frame_of_reference_uid" text,
      "performed_procedure_step_start_date" text,
      "number_of_instances" integer NOT NULL DEFAULT 0,
      "attributes" jsonb NOT NULL,
      "attributes_received_at" timestamptz NOT NULL,
      "created_at" timestamptz NOT NULL DEFAULT now(),
      "updated_at" timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT "uq_series_instance_uid" UNIQUE ("series_instance_uid"),
      CONSTRAINT "fk_series_study" FOREIGN KEY ("study_fk") REFERENCES "study" ("id") ON DELETE CASCADE
    )`);
    await q.query(`CREATE INDEX "ix_series_study" ON "series" ("study_fk")`);
    await q.query(`CREATE INDEX "ix_series_modality" ON "series" ("modality")`);

    await q.query(`CREATE TABLE "instance" (
      "id" bigserial PRIMARY KEY,
      "series_fk" bigint NOT NULL,
      "sop_instance_uid" text NOT NULL,
      "sop_class_uid" text NOT NULL,
      "instance_number" integer,
      "content_date" text,
      "content_time" text,
      "acquisition_date" text,
      "acquisition_time" text,
      "number_of_frames" integer,
      "rows" integer,
      "columns" integer,
      "bits_allocated" integer,
      "photometric_interpretation" text,
      "image_type" text[],
      "specific_character_set" text,
      "transfer_syntax_uid" text NOT NULL,
      "size" bigint NOT NULL,
      "digest" text NOT NULL,
      "source_ae" text,
      "received_at" timestamptz NOT NULL,
      "attributes" jsonb NOT NULL,
      "created_at" timestamptz NOT NULL DEFAULT now(),
      "updated_at" timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT "uq_sop_instance_uid" UNIQUE ("sop_instance_uid"),
      CONSTRAINT "fk_instance_series" FOREIGN KEY ("series_fk") REFERENCES "series" ("id") ON DELETE CASCADE
    )`);
    await q.query(`CREATE INDEX "ix_instance_series" ON "instance" ("series_fk")`);

    await q.query(`CREATE TABLE "object_location" (
      "id" bigserial PRIMARY KEY,
      "instance_fk" bigint NOT NULL,
      "tier" text NOT NULL,
      "storage_key" text NOT NULL,
      "digest" text NOT NULL,
      "size" bigint NOT NULL,
      "status" text NOT NULL DEFAULT 'ok',
      "created_at" timestamptz NOT NULL DEFAULT now(),
      "verified_at" timestamptz,
      CONSTRAINT "uq_object_location_tier" UNIQUE ("instance_fk", "tier"),
      CONSTRAINT "ck_object_location_status" CHECK ("status" IN ('ok', 'copying', 'deleting', 'missing')),
      CONSTRAINT "fk_object_location_instance" FOREIGN KEY ("instance_fk") REFERENCES "instance" ("id") ON DELETE CASCADE
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "object_location"`);
    await q.query(`DROP TABLE "instance"`);
    await q.query(`DROP TABLE "series"`);
    await q.query(`DROP TABLE "study"`);
    await q.query(`DROP TABLE "patient"`);
  }
}
