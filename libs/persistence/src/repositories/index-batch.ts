// The common case of indexing, many at once: instances never indexed before, arriving in
// groups that share their patient, study and series. Each distinct level row is upserted
// once, instances and locations are inserted with one multi-row statement each, and the
// computed keys (PS3.4 C.6.1.1) are incremented once per study and series, so a batch costs
// about the statements of a single instance. Anything else goes through the one-instance path.
import type { InstanceRecord, PatientRecord, SeriesRecord, StudyRecord } from '@pacs/domain';
import { TransactionConflict, type Sql } from '../sql-transaction';
import { countInStudy, countNewInstancesInSeries, countNewStudy, recount } from './index-counts';
import { PATIENT_TABLE, SERIES_TABLE, STUDY_TABLE, upsertLevel, type LevelUpsert } from './index-levels';
import { Params } from './sql-params';
import type { InstanceReceipt, ObjectLocationInput, UpsertInstanceInput } from './index.repository';

/** [column, value, SQL type]: the instance row as the batch and the one-instance path write it. */
export type Assigned = ReadonlyArray<readonly [column: string, value: unknown, type: string]>;

export function instanceColumns(r: InstanceRecord, seriesId: string, location: ObjectLocationInput, receipt: InstanceReceipt): Assigned {
  return [
    ['series_fk', seriesId, 'bigint'],
    ['sop_class_uid', r.sopClassUid, 'text'],
    ['instance_number', r.instanceNumber, 'integer'],
    ['content_date', r.contentDate, 'text'],
    ['content_time', r.contentTime, 'text'],
    ['acquisition_date', r.acquisitionDate, 'text'],
    ['acquisition_time', r.acquisitionTime, 'text'],
    ['number_of_frames', r.numberOfFrames, 'integer'],
    ['rows', r.rows, 'integer'],
    ['columns', r.columns, 'integer'],
    ['bits_allocated', r.bitsAllocated, 'integer'],
    ['photometric_interpretation', r.photometricInterpretation, 'text'],
    ['image_type', r.imageType, 'text[]'],
    ['specific_character_set', r.specificCharacterSet, 'text'],
    ['transfer_syntax_uid', receipt.transferSyntaxUid, 'text'],
    ['size', location.size, 'bigint'],
    ['digest', location.digest, 'text'],
    ['source_ae', receipt.sourceAe, 'text'],
    ['received_at', receipt.receivedAt.toISOString(), 'timestamptz'],
    ['attributes', r.attributes, 'jsonb'],
  ];
}

const patientKey = (r: PatientRecord): string => JSON.stringify([r.patientId, r.issuerOfPatientId]);

/** One level row as the batch writes it: the newest record of its instances. */
interface LevelGroup<R> {
  record: R;
  parentKey: string | null;
  receivedAt: Date;
  result?: LevelUpsert;
}

/**
 * Splits a batch: instances that can take the batch path and the rest, in their original order.
 * The batch path writes each patient, study and series once, with the newest of its records,
 * which is where one-by-one indexing ends too ("newest reception wins"). What it cannot do is
 * report what happens in between, so these go one by one: known SOP Instance UIDs and repeats
 * (duplicate policy), a patient whose demographics differ within the batch (the conflict is
 * reported per instance), and a study or series whose parent differs within the batch (a move).
 */
export function partitionBatch(inputs: readonly UpsertInstanceInput[], indexed: ReadonlySet<string>): { batch: number[]; single: number[] } {
  const batch: number[] = [];
  const single: number[] = [];
  const seen = new Set<string>();
  const signatures = new Map<string, string>();
  inputs.forEach((input, i) => {
    const { patient, study, series, instance } = input.records;
    const uid = instance.sopInstanceUid;
    const levels: Array<[key: string, signature: string]> = [
      [`p${patientKey(patient)}`, JSON.stringify([patient.patientName, patient.birthDate, patient.sex])],
      [`st${study.studyInstanceUid}`, patientKey(patient)],
      [`se${series.seriesInstanceUid}`, study.studyInstanceUid],
    ];
    const consistent = levels.every(([key, signature]) => (signatures.get(key) ?? signature) === signature);
    if (indexed.has(uid) || seen.has(uid) || !consistent) {
      single.push(i);
    } else {
      batch.push(i);
      for (const [key, signature] of levels) signatures.set(key, signature);
    }
    seen.add(uid);
  });
  return { batch, single };
}

/** Keeps the newest record per key; among equal reception times the later one, as one by one would. */
function group<R>(groups: Map<string, LevelGroup<R>>, key: string, record: R, parentKey: string | null, receivedAt: Date): void {
  const existing = groups.get(key);
  if (!existing || receivedAt >= existing.receivedAt) groups.set(key, { record, parentKey, receivedAt });
}

export interface BatchOutcome {
  instanceId: string;
  demographicsConflict: boolean;
}

/**
 * Indexes instances known to be new (partitionBatch) in the caller's transaction, which holds
 * their SOP Instance UID locks. Returns one outcome per input, in order.
 */
export async function insertNewInstances(sql: Sql, inputs: readonly UpsertInstanceInput[]): Promise<BatchOutcome[]> {
  const patients = new Map<string, LevelGroup<PatientRecord>>();
  const studies = new Map<string, LevelGroup<StudyRecord>>();
  const series = new Map<string, LevelGroup<SeriesRecord>>();
  for (const { records: r, receipt } of inputs) {
    const pk = patientKey(r.patient);
    group(patients, pk, r.patient, null, receipt.receivedAt);
    group(studies, r.study.studyInstanceUid, r.study, pk, receipt.receivedAt);
    group(series, r.series.seriesInstanceUid, r.series, r.study.studyInstanceUid, receipt.receivedAt);
  }

  // Top-down, as every writer takes its locks: patients, studies, series.
  const affected = { patients: new Set<string>(), studies: new Set<string>(), series: new Set<string>() };
  for (const g of patients.values()) g.result = await upsertLevel(sql, PATIENT_TABLE, g.record, null, g.receivedAt);
  const idOf = <R>(groups: Map<string, LevelGroup<R>>, key: string | null): string => {
    const id = key === null ? undefined : groups.get(key)?.result?.id;
    if (id === undefined) throw new TransactionConflict(`batch level ${String(key)} has no row`);
    return id;
  };
  for (const g of studies.values()) {
    const patientId = idOf(patients, g.parentKey);
    g.result = await upsertLevel(sql, STUDY_TABLE, g.record, patientId, g.receivedAt);
    if (g.result.previousParentId !== null) affected.patients.add(g.result.previousParentId).add(patientId);
  }
  for (const g of series.values()) {
    const studyId = idOf(studies, g.parentKey);
    g.result = await upsertLevel(sql, SERIES_TABLE, g.record, studyId, g.receivedAt);
    if (g.result.previousParentId !== null) affected.studies.add(g.result.previousParentId).add(studyId);
    if (g.result.updated) affected.studies.add(studyId); // Modalities in Study is recounted
  }

  const p = new Params();
  const rows = inputs.map(({ records: r, location, receipt }): Assigned => [
    ['sop_instance_uid', r.instance.sopInstanceUid, 'text'],
    ...instanceColumns(r.instance, idOf(series, r.series.seriesInstanceUid), location, receipt),
  ]);
  const columns = rows[0]!.map(([c]) => `"${c}"`).join(', ');
  const inserted = await sql.query<{ id: string; uid: string }>(
    `INSERT INTO "instance" (${columns}) VALUES ${rows.map((row) => `(${row.map(([, v, t]) => p.ref(v, t)).join(', ')})`).join(', ')}
     RETURNING "id"::text AS id, "sop_instance_uid" AS uid`,
    p.values,
  );
  const idByUid = new Map(inserted.map((row) => [row.uid, row.id]));
  const instanceIds = inputs.map(({ records }) => {
    const id = idByUid.get(records.instance.sopInstanceUid);
    if (id === undefined) throw new TransactionConflict('instance insert returned no row');
    return id;
  });

  const l = new Params();
  await sql.query(
    `INSERT INTO "object_location" ("instance_fk", "tier", "storage_key", "digest", "size") VALUES ${inputs
      .map(({ location }, i) => `(${l.ref(instanceIds[i], 'bigint')}, ${l.ref(location.tier, 'text')}, ${l.ref(location.key, 'text')}, ${l.ref(location.digest, 'text')}, ${l.ref(location.size, 'bigint')})`)
      .join(', ')}`,
    l.values,
  );

  // Computed keys, top-down: patients, studies, series.
  const newStudiesByPatient = count([...studies.values()].filter((g) => g.result?.inserted).map((g) => idOf(patients, g.parentKey)));
  for (const [patientId, n] of newStudiesByPatient) await countNewStudy(sql, patientId, n);
  const instancesBySeries = count(inputs.map(({ records }) => idOf(series, records.series.seriesInstanceUid)));
  for (const studyKey of studies.keys()) {
    const inStudy = [...series.values()].filter((s) => s.parentKey === studyKey);
    await countInStudy(sql, idOf(studies, studyKey), {
      newSeriesModalities: inStudy.filter((s) => s.result?.inserted).map((s) => s.record.modality),
      newInstances: inStudy.reduce((n, s) => n + (instancesBySeries.get(s.result!.id) ?? 0), 0),
    });
  }
  for (const [seriesId, n] of instancesBySeries) await countNewInstancesInSeries(sql, seriesId, n);
  if (affected.patients.size + affected.studies.size > 0) await recount(sql, affected);

  return inputs.map(({ records }, i) => ({ instanceId: instanceIds[i]!, demographicsConflict: patients.get(patientKey(records.patient))!.result!.comparedDiffer }));
}

function count(ids: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + 1);
  return counts;
}
