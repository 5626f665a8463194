import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { DataSet } from '@pacs/dicom';
import { toIndexRecords, type DuplicatePolicy, type IndexRecords } from '@pacs/domain';
import {
  openDatabase, TypeOrmIndexRepository, type DatabaseOptions, type DataSource, type InstanceReceipt, type ObjectLocationInput, type UpsertInstanceInput, type UpsertInstanceResult,
} from './index';
import { tempPglite, tempPostgresSchema } from './testing';

const TABLES = ['patient', 'study', 'series', 'instance', 'object_location'] as const;

/** A fresh UID root per call, so tests sharing one database never meet. */
const uidRoot = (): string => `2.25.${BigInt(`0x${randomBytes(12).toString('hex')}`)}`;

interface InstanceSpec {
  patientId: string;
  issuer?: string;
  patientName?: string;
  birthDate?: string;
  study: string;
  series: string;
  sop: string;
  modality?: string;
  studyDescription?: string;
  extra?: (ds: DataSet) => void;
}

function records(spec: InstanceSpec): IndexRecords {
  const ds = new DataSet()
    .setStrings(0x00080005, 'ISO_IR 192')
    .setStrings(0x00080016, '1.2.840.10008.5.1.4.1.1.2')
    .setStrings(0x00080018, spec.sop)
    .setStrings(0x00080020, '20240131')
    .setStrings(0x00080060, spec.modality ?? 'CT')
    .setStrings(0x00081030, spec.studyDescription ?? 'Chest')
    .setStrings(0x00100010, spec.patientName ?? 'Doe^Jane')
    .setStrings(0x00100020, spec.patientId)
    .setStrings(0x00100030, spec.birthDate ?? '19700101')
    .setStrings(0x00100040, 'F')
    .setStrings(0x0020000d, spec.study)
    .setStrings(0x0020000e, spec.series)
    .setStrings(0x00200013, '1');
  if (spec.issuer !== undefined) ds.setStrings(0x00100021, spec.issuer);
  spec.extra?.(ds);
  return toIndexRecords(ds);
}

const receipt = (at = '2024-01-31T10:00:00Z', sourceAe: string | null = 'MODALITY1'): InstanceReceipt => ({
  transferSyntaxUid: '1.2.840.10008.1.2.1',
  sourceAe,
  receivedAt: new Date(at),
});

const location = (key: string, digest = 'digest-1', tier = 'hot'): ObjectLocationInput => ({ tier, key, digest, size: 1000 });

async function dump(db: DataSource): Promise<unknown> {
  const out: Record<string, unknown> = {};
  for (const table of TABLES) out[table] = await db.query(`SELECT * FROM "${table}" ORDER BY "id"`);
  return JSON.parse(JSON.stringify(out));
}

async function row<T = Record<string, unknown>>(db: DataSource, sql: string, params: unknown[]): Promise<T | undefined> {
  return ((await db.query(sql, params)) as T[])[0];
}

const studyRow = (db: DataSource, uid: string) => row<{ id: string; number_of_series: number; number_of_instances: number; modalities_in_study: string[]; patient_fk: string; study_description: string }>(
  db, `SELECT id::text, number_of_series, number_of_instances, modalities_in_study, patient_fk::text, study_description FROM study WHERE study_instance_uid = $1`, [uid]);
const seriesRow = (db: DataSource, uid: string) => row<{ number_of_instances: number }>(db, `SELECT number_of_instances FROM series WHERE series_instance_uid = $1`, [uid]);
const patientRow = (db: DataSource, patientId: string, issuer = '') => row<{ id: string; patient_name: string; number_of_studies: number; birth_date: string }>(
  db, `SELECT id::text, patient_name, number_of_studies, birth_date FROM patient WHERE patient_id = $1 AND issuer = $2`, [patientId, issuer]);


/** What a batch must leave exactly as the same inputs one by one would: every row of a UID root, ids replaced by UIDs. */
async function projection(db: DataSource, root: string): Promise<unknown> {
  const like = [`%${root}%`];
  const rows = {
    patients: await db.query(`SELECT patient_id, issuer, patient_name, birth_date, sex, number_of_studies, attributes FROM patient WHERE patient_id LIKE $1 ORDER BY patient_id`, like),
    studies: await db.query(
      `SELECT st.study_instance_uid, p.patient_id, st.number_of_series, st.number_of_instances, st.modalities_in_study, st.attributes
       FROM study st JOIN patient p ON p.id = st.patient_fk WHERE st.study_instance_uid LIKE $1 ORDER BY 1`, like),
    series: await db.query(
      `SELECT se.series_instance_uid, st.study_instance_uid, se.number_of_instances, se.modality, se.attributes
       FROM series se JOIN study st ON st.id = se.study_fk WHERE se.series_instance_uid LIKE $1 ORDER BY 1`, like),
    instances: await db.query(
      `SELECT i.sop_instance_uid, se.series_instance_uid, i.digest, i.source_ae, i.received_at, i.attributes
       FROM instance i JOIN series se ON se.id = i.series_fk WHERE i.sop_instance_uid LIKE $1 ORDER BY 1`, like),
    locations: await db.query(
      `SELECT i.sop_instance_uid, l.tier, l.storage_key, l.digest, l.status FROM object_location l JOIN instance i ON i.id = l.instance_fk
       WHERE i.sop_instance_uid LIKE $1 ORDER BY 1, 2`, like),
  };
  return JSON.parse(JSON.stringify(rows).replaceAll(root, 'ROOT'));
}

function indexSuite(name: string, makeOptions: () => { options: DatabaseOptions; cleanup: () => Promise<void> }, { parallelConnections }: { parallelConnections: boolean }) {
  describe(`index repository on ${name}`, () => {
    const { options, cleanup } = makeOptions();
    let db: DataSource;
    let repo: TypeOrmIndexRepository;
    before(async () => {
      db = await openDatabase(options);
      repo = new TypeOrmIndexRepository(db);
    });
    after(async () => {
      await db?.destroy();
      await cleanup();
    });

    test('first instance: one row per level, counts, its location, attributes round-trip through jsonb', async () => {
      const root = uidRoot();
      const r = records({
        patientId: `P-${root}`, patientName: 'Yamada^Tarou=山田^太郎', study: `${root}.1`, series: `${root}.2`, sop: `${root}.3`,
        extra: (ds) => ds
          .setBytes(0x00291001, 'OB', Buffer.from([0, 1, 2, 0xff]))
          .setBytes(0x00291002, 'OB', Buffer.alloc(5000))
          .setNumbers(0x00189219, [1.5, -0.25], 'FD')
          .setStrings(0x00291010, 'AB\0CD', 'LO')
          .setSequence(0x00081115, [new DataSet().setStrings(0x00081150, '1.2.3').setStrings(0x00081155, '1.2.3.4')]),
      });
      const before = await repo.countInstances();
      const result = await repo.upsertInstance({ records: r, location: location(`k/${root}`), receipt: receipt(), policy: 'keep-first' });
      assert.equal(result.outcome, 'inserted');
      assert.equal(result.demographicsConflict, false);
      assert.deepEqual(result.obsoleteObjects, []);
      assert.match(result.instanceId, /^\d+$/);
      assert.equal(await repo.countInstances(), before + 1);

      const patient = await patientRow(db, `P-${root}`);
      assert.equal(patient?.patient_name, 'Yamada^Tarou=山田^太郎');
      assert.equal(patient?.number_of_studies, 1);
      const study = await studyRow(db, `${root}.1`);
      assert.deepEqual([study?.number_of_series, study?.number_of_instances, study?.modalities_in_study], [1, 1, ['CT']]);
      assert.equal((await seriesRow(db, `${root}.2`))?.number_of_instances, 1);

      const [loc] = await repo.findInstanceLocations(`${root}.3`);
      assert.deepEqual({ ...loc, createdAt: undefined }, { tier: 'hot', key: `k/${root}`, digest: 'digest-1', size: 1000, status: 'ok', createdAt: undefined, verifiedAt: null });

      const stored = await row<{ attributes: unknown; image_type: string[] | null; search: string }>(db,
        `SELECT i.attributes, i.image_type, p.patient_name_search AS search FROM instance i JOIN series s ON s.id = i.series_fk JOIN study st ON st.id = s.study_fk JOIN patient p ON p.id = st.patient_fk WHERE i.sop_instance_uid = $1`, [`${root}.3`]);
      const expected = JSON.parse(JSON.stringify(r.instance.attributes).replace('AB\\u0000CD', 'AB\uFFFDCD'));
      assert.deepEqual(stored?.attributes, expected);
      assert.deepEqual((stored?.attributes as Record<string, unknown>)['00291002'], { vr: 'OB', OmittedLength: 5000 });
      assert.equal(stored?.search, 'YAMADA^TAROU=山田^太郎');
      const studyAttributes = await row<{ attributes: unknown }>(db, `SELECT attributes FROM study WHERE study_instance_uid = $1`, [`${root}.1`]);
      assert.deepEqual(studyAttributes?.attributes, r.study.attributes);
    });

    test('idempotent: the same three instances again change nothing (full table dumps equal)', async () => {
      const root = uidRoot();
      const inputs = [1, 2, 3].map((n) => ({
        records: records({ patientId: `P-${root}`, study: `${root}.1`, series: `${root}.2.${n % 2}`, sop: `${root}.3.${n}`, modality: n % 2 ? 'MR' : 'CT' }),
        location: location(`k/${root}/${n}`, `d${n}`),
        receipt: receipt(`2024-01-31T10:00:0${n}Z`),
        policy: 'reject-if-different' as DuplicatePolicy,
      }));
      for (const input of inputs) assert.equal((await repo.upsertInstance(input)).outcome, 'inserted');
      const first = await dump(db);
      for (const input of inputs) {
        const again = await repo.upsertInstance(input);
        assert.deepEqual([again.outcome, again.obsoleteObjects, again.demographicsConflict], ['unchanged', [], false]);
      }
      assert.deepEqual(await dump(db), first);
      const study = await studyRow(db, `${root}.1`);
      assert.deepEqual([study?.number_of_series, study?.number_of_instances, study?.modalities_in_study], [2, 3, ['CT', 'MR']]);
    });

    test('counts: two studies of one patient, series and instances, Modalities in Study', async () => {
      const root = uidRoot();
      const pid = `P-${root}`;
      let n = 0;
      for (const [study, series, modality] of [[1, 1, 'CT'], [1, 1, 'CT'], [1, 2, 'SR'], [2, 3, 'MR'], [2, 3, 'MR'], [2, 3, 'MR']] as const) {
        n++;
        await repo.upsertInstance({
          records: records({ patientId: pid, study: `${root}.${study}`, series: `${root}.${study}.${series}`, sop: `${root}.9.${n}`, modality }),
          location: location(`k/${root}/${n}`), receipt: receipt(), policy: 'keep-first',
        });
      }
      assert.equal((await patientRow(db, pid))?.number_of_studies, 2);
      const s1 = await studyRow(db, `${root}.1`);
      const s2 = await studyRow(db, `${root}.2`);
      assert.deepEqual([s1?.number_of_series, s1?.number_of_instances, s1?.modalities_in_study], [2, 3, ['CT', 'SR']]);
      assert.deepEqual([s2?.number_of_series, s2?.number_of_instances, s2?.modalities_in_study], [1, 3, ['MR']]);
      assert.equal((await seriesRow(db, `${root}.1.1`))?.number_of_instances, 2);
    });

    describe('duplicate policies, end to end', () => {
      async function twice(policy: DuplicatePolicy, secondAe: string | null) {
        const root = uidRoot();
        const spec = { patientId: `P-${root}`, study: `${root}.1`, series: `${root}.2`, sop: `${root}.3` };
        await repo.upsertInstance({ records: records(spec), location: location(`k/${root}/a`, 'digest-a'), receipt: receipt('2024-01-31T10:00:00Z'), policy });
        const second = await repo.upsertInstance({
          records: records({ ...spec, studyDescription: 'Corrected' }), location: location(`k/${root}/b`, 'digest-b'),
          receipt: receipt('2024-01-31T11:00:00Z', secondAe), policy,
        });
        const instance = await row<{ digest: string; source_ae: string }>(db, `SELECT digest, source_ae FROM instance WHERE sop_instance_uid = $1`, [spec.sop]);
        return { root, second, instance, locations: await repo.findInstanceLocations(spec.sop), study: await studyRow(db, spec.study) };
      }

      test('keep-first: the second copy is not indexed, its object is obsolete', async () => {
        const { root, second, instance, locations, study } = await twice('keep-first', 'MODALITY1');
        assert.equal(second.outcome, 'unchanged');
        assert.deepEqual(second.obsoleteObjects, [{ tier: 'hot', key: `k/${root}/b` }]);
        assert.equal(instance?.digest, 'digest-a');
        assert.deepEqual(locations.map((l) => l.key), [`k/${root}/a`]);
        assert.equal(study?.study_description, 'Chest');
      });

      test('replace: the second copy replaces the first, the old object is obsolete', async () => {
        const { root, second, instance, locations, study } = await twice('replace', 'OTHER');
        assert.equal(second.outcome, 'replaced');
        assert.deepEqual(second.obsoleteObjects, [{ tier: 'hot', key: `k/${root}/a` }]);
        assert.deepEqual([instance?.digest, instance?.source_ae], ['digest-b', 'OTHER']);
        assert.deepEqual(locations.map((l) => [l.key, l.digest]), [[`k/${root}/b`, 'digest-b']]);
        assert.deepEqual([study?.study_description, study?.number_of_instances], ['Corrected', 1]);
      });

      test('replace-same-source: replaced from the same AE, kept from another', async () => {
        const same = await twice('replace-same-source', 'MODALITY1');
        assert.equal(same.second.outcome, 'replaced');
        assert.equal(same.instance?.digest, 'digest-b');
        const other = await twice('replace-same-source', 'MODALITY2');
        assert.equal(other.second.outcome, 'unchanged');
        assert.equal(other.instance?.digest, 'digest-a');
        assert.deepEqual(other.second.obsoleteObjects, [{ tier: 'hot', key: `k/${other.root}/b` }]);
      });

      test('reject-if-different: rejected, nothing changes; the same digest again is unchanged', async () => {
        const { root, second, instance, locations } = await twice('reject-if-different', 'MODALITY1');
        assert.equal(second.outcome, 'rejected');
        assert.deepEqual(second.obsoleteObjects, [{ tier: 'hot', key: `k/${root}/b` }]);
        assert.equal(instance?.digest, 'digest-a');
        assert.equal(locations.length, 1);
      });

      test('the same bytes from another tier add a location; a location marked missing is restored', async () => {
        const root = uidRoot();
        const input = { records: records({ patientId: `P-${root}`, study: `${root}.1`, series: `${root}.2`, sop: `${root}.3` }), receipt: receipt(), policy: 'keep-first' as const };
        await repo.upsertInstance({ ...input, location: location(`hot/${root}`, 'd') });
        const cold = await repo.upsertInstance({ ...input, location: location(`cold/${root}`, 'd', 'cold') });
        assert.deepEqual([cold.outcome, cold.obsoleteObjects], ['unchanged', []]);
        assert.deepEqual((await repo.findInstanceLocations(`${root}.3`)).map((l) => l.tier), ['cold', 'hot']);
        await db.query(`UPDATE object_location SET status = 'missing' WHERE storage_key = $1`, [`hot/${root}`]);
        const restored = await repo.upsertInstance({ ...input, location: location(`hot2/${root}`, 'd') });
        assert.deepEqual(restored.obsoleteObjects, []);
        const hot = (await repo.findInstanceLocations(`${root}.3`)).find((l) => l.tier === 'hot');
        assert.deepEqual([hot?.key, hot?.status], [`hot2/${root}`, 'ok']);
      });
    });

    test('replace moving an instance to another study: both recounted, the emptied series and study removed', async () => {
      const root = uidRoot();
      const base = { patientId: `P-${root}`, sop: `${root}.9` };
      await repo.upsertInstance({ records: records({ ...base, study: `${root}.1`, series: `${root}.1.1` }), location: location(`k/${root}/a`, 'a'), receipt: receipt(), policy: 'replace' });
      await repo.upsertInstance({ records: records({ ...base, sop: `${root}.8`, study: `${root}.2`, series: `${root}.2.1`, modality: 'MR' }), location: location(`k/${root}/c`, 'c'), receipt: receipt(), policy: 'replace' });
      assert.equal((await patientRow(db, base.patientId))?.number_of_studies, 2);
      const moved = await repo.upsertInstance({
        records: records({ ...base, study: `${root}.2`, series: `${root}.2.2`, modality: 'SR' }), location: location(`k/${root}/b`, 'b'),
        receipt: receipt('2024-02-01T00:00:00Z'), policy: 'replace',
      });
      assert.equal(moved.outcome, 'replaced');
      assert.equal(await studyRow(db, `${root}.1`), undefined);
      assert.equal(await seriesRow(db, `${root}.1.1`), undefined);
      const s2 = await studyRow(db, `${root}.2`);
      assert.deepEqual([s2?.number_of_series, s2?.number_of_instances, s2?.modalities_in_study], [2, 2, ['MR', 'SR']]);
      assert.equal((await patientRow(db, base.patientId))?.number_of_studies, 1);
    });

    test('patient identity is ID + issuer; differing demographics: the newest wins and the conflict is reported', async () => {
      const root = uidRoot();
      const pid = `P-${root}`;
      const put = (n: number, name: string, at: string, issuer?: string) => repo.upsertInstance({
        records: records({ patientId: pid, issuer, patientName: name, study: `${root}.${n}`, series: `${root}.${n}.1`, sop: `${root}.${n}.1.1` }),
        location: location(`k/${root}/${n}`), receipt: receipt(at), policy: 'keep-first',
      });
      assert.equal((await put(1, 'Doe^Jane', '2024-01-01T00:00:00Z')).demographicsConflict, false);
      assert.equal((await put(2, 'Doe^Jane', '2024-01-02T00:00:00Z')).demographicsConflict, false);
      assert.equal((await put(3, 'Smith^Jane', '2024-01-03T00:00:00Z')).demographicsConflict, true);
      assert.equal((await patientRow(db, pid))?.patient_name, 'Smith^Jane');
      // An older reception arriving late (redelivery) does not roll the name back.
      assert.equal((await put(4, 'Doe^Jane', '2023-12-31T00:00:00Z')).demographicsConflict, true);
      assert.equal((await patientRow(db, pid))?.patient_name, 'Smith^Jane');
      assert.equal((await patientRow(db, pid))?.number_of_studies, 4);
      await put(5, 'Other^Person', '2024-01-05T00:00:00Z', 'HOSPITAL-B');
      assert.equal((await patientRow(db, pid, 'HOSPITAL-B'))?.patient_name, 'Other^Person');
      assert.equal((await patientRow(db, pid))?.patient_name, 'Smith^Jane');
    });

    test('deleteStudy removes its rows, returns its objects, recounts the patient, leaves other studies', async () => {
      const root = uidRoot();
      const pid = `P-${root}`;
      for (const [n, study, series] of [[1, 1, 1], [2, 1, 1], [3, 1, 2], [4, 2, 1]] as const) {
        await repo.upsertInstance({
          records: records({ patientId: pid, study: `${root}.${study}`, series: `${root}.${study}.${series}`, sop: `${root}.7.${n}` }),
          location: location(`k/${root}/${n}`), receipt: receipt(), policy: 'keep-first',
        });
      }
      await repo.upsertInstance({
        records: records({ patientId: pid, study: `${root}.1`, series: `${root}.1.1`, sop: `${root}.7.1` }),
        location: location(`cold/${root}/1`, 'digest-1', 'cold'), receipt: receipt(), policy: 'keep-first',
      });
      const before = await repo.countInstances();
      const deleted = await repo.deleteStudy(`${root}.1`);
      assert.equal(deleted.deleted, true);
      assert.equal(deleted.instances, 3);
      assert.deepEqual(deleted.objects.map((o) => `${o.tier}:${o.key}`).sort(), [`cold:cold/${root}/1`, `hot:k/${root}/1`, `hot:k/${root}/2`, `hot:k/${root}/3`]);
      assert.equal(await repo.countInstances(), before - 3);
      assert.equal(await studyRow(db, `${root}.1`), undefined);
      assert.deepEqual(await repo.findInstanceLocations(`${root}.7.1`), []);
      const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM series WHERE series_instance_uid LIKE $1`, [`${root}.1.%`]);
      assert.equal(n, 0);
      assert.equal((await patientRow(db, pid))?.number_of_studies, 1);
      assert.equal((await studyRow(db, `${root}.2`))?.number_of_instances, 1);
      assert.deepEqual(await repo.deleteStudy(`${root}.1`), { deleted: false, instances: 0, objects: [] });
    });

    describe('batches (upsertInstances)', () => {
      /** New, repeated, known and demographics-changing instances, as an indexer batch may hold them. */
      const mixedBatch = (root: string): UpsertInstanceInput[] => {
        const spec = (patient: string, study: number, series: number, sop: number, extra: Partial<InstanceSpec> = {}) => ({
          patientId: `P-${root}.${patient}`, study: `${root}.${study}`, series: `${root}.${study}.${series}`, sop: `${root}.9.${sop}`, ...extra,
        });
        const specs: Array<[InstanceSpec, string]> = [
          [spec('a', 1, 1, 1, { modality: 'CT' }), 'd1'],
          [spec('a', 1, 1, 2, { modality: 'CT' }), 'd2'],
          [spec('a', 1, 2, 3, { modality: 'MR' }), 'd3'],
          [spec('a', 2, 3, 4, { modality: 'PT' }), 'd4'],
          [spec('b', 3, 4, 5, { patientName: 'First^Name' }), 'd5'],
          [spec('b', 3, 4, 6, { patientName: 'Second^Name' }), 'd6'],
          [spec('a', 1, 1, 2, { modality: 'CT' }), 'd7'], // sop 2 again, other bytes: replaced
          [spec('a', 1, 1, 1, { modality: 'CT' }), 'd1'], // sop 1 again, same bytes: unchanged
          [spec('a', 1, 1, 0, { modality: 'CT' }), 'd8'], // indexed before the batch, other bytes: replaced
          [spec('b', 3, 5, 7, { modality: 'SR', patientName: 'Second^Name', studyDescription: 'Changed' }), 'd9'],
          [spec('a', 1, 2, 10, { modality: 'MR', studyDescription: 'Later' }), 'd10'], // the newest study attributes win
        ];
        return specs.map(([instance, digest], n) => ({
          records: records(instance), location: location(`k/${root}/${n}`, digest), receipt: receipt(`2024-01-31T10:00:${String(10 + n)}Z`), policy: 'replace',
        }));
      };
      const before = (root: string): UpsertInstanceInput => ({
        records: records({ patientId: `P-${root}.a`, study: `${root}.1`, series: `${root}.1.1`, sop: `${root}.9.0`, modality: 'CT' }),
        location: location(`k/${root}/before`, 'd0'), receipt: receipt('2024-01-31T10:00:00Z'), policy: 'replace',
      });
      const comparable = (results: UpsertInstanceResult[], root: string) =>
        results.map((r) => ({ outcome: r.outcome, conflict: r.demographicsConflict, obsolete: r.obsoleteObjects.map((o) => o.key.replace(root, 'ROOT')) }));

      test('a batch leaves the rows and answers of the same instances indexed one by one', async () => {
        const [one, batch] = [uidRoot(), uidRoot()];
        await repo.upsertInstance(before(one));
        await repo.upsertInstance(before(batch));
        const oneByOne: UpsertInstanceResult[] = [];
        for (const input of mixedBatch(one)) oneByOne.push(await repo.upsertInstance(input));
        const batched = await repo.upsertInstances(mixedBatch(batch));
        assert.deepEqual(comparable(batched, batch), comparable(oneByOne, one));
        assert.deepEqual(await projection(db, batch), await projection(db, one));
        const study = await studyRow(db, `${batch}.1`);
        assert.deepEqual([study?.number_of_series, study?.number_of_instances, study?.modalities_in_study, study?.study_description], [2, 5, ['CT', 'MR'], 'Later']);
      });

      test('a rehearsal runs the statements of a batch, and of one instance, and leaves nothing: rows, change log, outbox', async () => {
        const root = uidRoot();
        await repo.upsertInstance(before(root));
        const tables = async () => ({ rows: await dump(db), changes: await db.query(`SELECT count(*)::int AS n FROM "change_log"`), outbox: await db.query(`SELECT count(*)::int AS n FROM "archive_outbox"`) });
        const was = await tables();
        await repo.rehearseUpserts(mixedBatch(root));
        await repo.rehearseUpserts(mixedBatch(root).slice(0, 1));
        assert.deepEqual(await tables(), was);
        // Not a no-op: the same batch for real indexes it.
        const results = await repo.upsertInstances(mixedBatch(root));
        assert.ok(results.some((r) => r.outcome === 'inserted'));
        assert.notDeepEqual(await tables(), was);
      });

      test('a redelivered batch changes nothing (keep-first)', async () => {
        const root = uidRoot();
        const inputs = mixedBatch(root).map((input) => ({ ...input, policy: 'keep-first' as const }));
        await repo.upsertInstances(inputs);
        const first = await dump(db);
        const again = await repo.upsertInstances(inputs);
        assert.ok(again.every((r) => r.outcome === 'unchanged'), JSON.stringify(again.map((r) => r.outcome)));
        assert.deepEqual(await dump(db), first);
      });
    });

    test('SQL injection attempts in values are stored verbatim', async () => {
      const root = uidRoot();
      const pid = `x'); DROP TABLE patient; --${root}`;
      const name = `O'Brien^"Bobby"; DELETE FROM study WHERE ''='`;
      await repo.upsertInstance({
        records: records({ patientId: pid, patientName: name, study: `${root}.1`, series: `${root}.2`, sop: `${root}.3`, studyDescription: `$1 \\'; --` }),
        location: location(`k/${root}/'; DROP TABLE instance; --`, `' OR 1=1 --`), receipt: receipt(undefined, `AE'--`), policy: 'replace',
      });
      const patient = await patientRow(db, pid);
      assert.equal(patient?.patient_name, name);
      assert.equal((await studyRow(db, `${root}.1`))?.study_description, `$1 \\'; --`);
      const [loc] = await repo.findInstanceLocations(`${root}.3`);
      assert.deepEqual([loc?.key, loc?.digest], [`k/${root}/'; DROP TABLE instance; --`, `' OR 1=1 --`]);
      for (const table of TABLES) await db.query(`SELECT 1 FROM "${table}" LIMIT 1`);
    });

    if (parallelConnections) {
      describe('concurrency (4 separate connections)', () => {
        const connections: DataSource[] = [];
        before(async () => {
          for (let i = 0; i < 4; i++) connections.push(await openDatabase({ ...options, poolSize: 1 } as DatabaseOptions, { migrate: false }));
        });
        after(async () => {
          await Promise.all(connections.map((c) => c.destroy()));
        });

        test('4 parallel upserts into the same new patient/study: one row per level, exact counts', async () => {
          for (let round = 0; round < 8; round++) {
            const root = uidRoot();
            // Rounds alternate: all four in one new series, or each in a series of its own.
            const results = await Promise.all(connections.map((c, i) => new TypeOrmIndexRepository(c).upsertInstance({
              records: records({ patientId: `P-${root}`, study: `${root}.1`, series: round % 2 ? `${root}.2.${i}` : `${root}.2`, sop: `${root}.3.${i}`, modality: ['CT', 'MR', 'CT', 'PT'][i] }),
              location: location(`k/${root}/${i}`, `d${i}`), receipt: receipt(), policy: 'keep-first',
            })));
            assert.deepEqual(results.map((r) => r.outcome), ['inserted', 'inserted', 'inserted', 'inserted']);
            const [{ patients }] = await db.query(`SELECT count(*)::int AS patients FROM patient WHERE patient_id = $1`, [`P-${root}`]);
            const [{ series }] = await db.query(`SELECT count(*)::int AS series FROM series WHERE series_instance_uid LIKE $1`, [`${root}.2%`]);
            assert.equal(patients, 1);
            assert.equal(series, round % 2 ? 4 : 1);
            assert.equal((await patientRow(db, `P-${root}`))?.number_of_studies, 1);
            const study = await studyRow(db, `${root}.1`);
            assert.deepEqual([study?.number_of_series, study?.number_of_instances], [round % 2 ? 4 : 1, 4], `round ${round}`);
            if (round % 2) assert.deepEqual(study?.modalities_in_study, ['CT', 'MR', 'PT']);
            if (!(round % 2)) assert.equal((await seriesRow(db, `${root}.2`))?.number_of_instances, 4);
          }
        });

        test('4 parallel overlapping batches into one study: no deadlock, every instance once, exact counts', async () => {
          const root = uidRoot();
          const input = (n: number): UpsertInstanceInput => ({
            records: records({ patientId: `P-${root}`, study: `${root}.1`, series: `${root}.2.${n % 3}`, sop: `${root}.3.${n}`, modality: ['CT', 'MR', 'PT'][n % 3] }),
            location: location(`k/${root}/${n}`, `d${n}`), receipt: receipt(), policy: 'keep-first',
          });
          // Each connection's batch overlaps its neighbours' by half, in a different order.
          const batches = connections.map((_c, i) => Array.from({ length: 20 }, (_v, k) => input((i * 10 + (i % 2 ? 19 - k : k)) % 50)));
          const results = await Promise.all(connections.map((c, i) => new TypeOrmIndexRepository(c).upsertInstances(batches[i]!)));
          const inserted = results.flat().filter((r) => r.outcome === 'inserted').length;
          assert.equal(inserted, 50);
          const study = await studyRow(db, `${root}.1`);
          assert.deepEqual([study?.number_of_series, study?.number_of_instances, study?.modalities_in_study], [3, 50, ['CT', 'MR', 'PT']]);
          const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM object_location l JOIN instance i ON i.id = l.instance_fk WHERE i.sop_instance_uid LIKE $1`, [`${root}.%`]);
          assert.equal(n, 50);
        });

        test('the same instance from 4 connections at once is indexed once', async () => {
          const root = uidRoot();
          const input = { records: records({ patientId: `P-${root}`, study: `${root}.1`, series: `${root}.2`, sop: `${root}.3` }), receipt: receipt(), policy: 'keep-first' as const };
          const results = await Promise.all(connections.map((c, i) => new TypeOrmIndexRepository(c).upsertInstance({ ...input, location: location(`k/${root}/${i}`, 'same') })));
          assert.deepEqual(results.map((r) => r.outcome).sort(), ['inserted', 'unchanged', 'unchanged', 'unchanged']);
          assert.equal(new Set(results.map((r) => r.instanceId)).size, 1);
          assert.equal(results.flatMap((r) => r.obsoleteObjects).length, 3);
          assert.equal((await repo.findInstanceLocations(`${root}.3`)).length, 1);
          assert.equal((await studyRow(db, `${root}.1`))?.number_of_instances, 1);
        });
      });
    }
  });
}

indexSuite('PostgreSQL', () => tempPostgresSchema(2), { parallelConnections: true });

indexSuite('PGlite', () => tempPglite('pacs-pglite-'), { parallelConnections: false });
