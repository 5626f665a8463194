import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { DataSet, QueryRetrieveModel, implicitVr, tagForKeyword, vrInfo } from '@pacs/dicom';
import {
  matchesQuery, parseFindIdentifier, parseRetrieveIdentifier, toIndexRecords, TooManyMatchesError,
  type FindQuery, type IndexRecords, type QueryMatch, type QueryOptions,
} from '@pacs/domain';
import { openDatabase, TypeOrmIndexRepository, TypeOrmQueryRepository, type DatabaseOptions, type DataSource, type QuerySettings } from './index';
import { buildFindSql } from './repositories/query-sql';
import { tempPglite, tempPostgresSchema } from './testing';

// The C-FIND and retrieve SQL on PostgreSQL and PGlite, against a small index loaded through
// the indexer's repository. Results are checked against expectations and, for a list of
// queries, against @pacs/domain's in-memory definition of PS3.4 C.2.2.2 matching.
const OPTIONS: QueryOptions = { caseInsensitivePn: true, relational: false, combinedDateTime: false };
const SETTINGS: QuerySettings = { maxMatches: 1000, studySortOrder: 'study-date-desc', preferredTier: 'primary', fetchSize: 2 };

type Keys = Record<string, string | DataSet[]>;
const tag = (keyword: string): number => tagForKeyword(keyword) ?? assert.fail(keyword);

function dataSet(keys: Keys): DataSet {
  const ds = new DataSet().setStrings(0x00080005, 'ISO_IR 192', 'CS');
  for (const [keyword, value] of Object.entries(keys)) {
    const vr = implicitVr(tag(keyword));
    if (typeof value === 'string') ds.setStrings(tag(keyword), vrInfo(vr).multiValued ? value.split('\\') : value, vr);
    else ds.setSequence(tag(keyword), value);
  }
  return ds;
}

interface Study {
  patient: Keys;
  study: Keys;
  series: Array<{ keys: Keys; instances: number }>;
}

/** The fixture: names, dates and values chosen to tell the matching types apart. */
function fixture(root: string): Study[] {
  const code = (value: string): DataSet => dataSet({ CodeValue: value, CodingSchemeDesignator: 'LOCAL', CodeMeaning: `${value} meaning` });
  return [
    {
      patient: { PatientID: `${root}-P1`, PatientName: 'SMITH^JOHN', PatientBirthDate: '19700101', PatientSex: 'M' },
      study: { StudyInstanceUID: `${root}.1`, StudyDate: '20240115', StudyTime: '1015', AccessionNumber: 'A1', StudyDescription: 'CT CHEST', StudyID: '1', ProcedureCodeSequence: [code('XR1'), code('CT9')] },
      series: [{ keys: { Modality: 'CT', SeriesNumber: '1' }, instances: 3 }, { keys: { Modality: 'MR', SeriesNumber: '2' }, instances: 2 }],
    },
    {
      patient: { PatientID: `${root}-P2`, PatientName: 'Smith^Jane', PatientBirthDate: '19800202', PatientSex: 'F' },
      study: { StudyInstanceUID: `${root}.2`, StudyDate: '20240201', StudyTime: '0800', AccessionNumber: 'A2', StudyDescription: '100% CHEST', StudyID: '2' },
      series: [{ keys: { Modality: 'US', SeriesNumber: '1' }, instances: 1 }],
    },
    {
      patient: { PatientID: `${root}-P3`, PatientName: 'Yamada^Tarou=山田^太郎=やまだ^たろう', PatientBirthDate: '19600303', PatientSex: 'M' },
      study: { StudyInstanceUID: `${root}.3`, StudyDate: '20230101', StudyTime: '2300', StudyDescription: 'A_C', StudyID: '3' },
      series: [{ keys: { Modality: 'CT', SeriesNumber: '7' }, instances: 1 }],
    },
    {
      patient: { PatientID: `${root}-X'; DROP TABLE patient; --`, PatientName: "O'BRIEN^PAT", PatientSex: 'O' },
      study: { StudyInstanceUID: `${root}.4`, StudyDate: '20240115', StudyTime: '1400', AccessionNumber: 'A4', StudyDescription: 'ABC', StudyID: '4', AdditionalPatientHistory: 'C:\\temp 50%' },
      series: [{ keys: { Modality: 'OT', SeriesNumber: '1' }, instances: 1 }],
    },
  ];
}

interface Loaded {
  records: IndexRecords[];
  sopUids: Map<string, string[]>;
}

async function load(repo: TypeOrmIndexRepository, root: string): Promise<Loaded> {
  const records: IndexRecords[] = [];
  const sopUids = new Map<string, string[]>();
  let n = 0;
  for (const s of fixture(root)) {
    const studyUid = s.study['StudyInstanceUID'] as string;
    for (const [k, series] of s.series.entries()) {
      for (let i = 0; i < series.instances; i++) {
        const sop = `${studyUid}.${k + 1}.${i + 1}`;
        const ds = dataSet({
          ...s.patient, ...s.study, ...series.keys,
          SeriesInstanceUID: `${studyUid}.${k + 1}`, SOPInstanceUID: sop, SOPClassUID: '1.2.840.10008.5.1.4.1.1.2', InstanceNumber: String(i + 1),
        });
        const r = toIndexRecords(ds);
        records.push(r);
        sopUids.set(studyUid, [...(sopUids.get(studyUid) ?? []), sop]);
        await repo.upsertInstance({
          records: r,
          location: { tier: 'primary', key: `k/${sop}`, digest: `d${n++}`, size: 100 + i },
          receipt: { transferSyntaxUid: '1.2.840.10008.1.2.1', sourceAe: 'TEST', receivedAt: new Date('2024-03-01T00:00:00Z') },
          policy: 'keep-first',
        });
      }
    }
  }
  return { records, sopUids };
}

/** Study-level entities as the in-memory matcher sees them. */
function studyEntities(records: IndexRecords[]): Map<string, QueryMatch> {
  const out = new Map<string, QueryMatch>();
  for (const r of records) {
    out.set(r.study.studyInstanceUid, { attributes: { patient: r.patient.attributes, study: r.study.attributes }, computed: {} });
  }
  return out;
}

function suite(name: string, makeOptions: () => { options: DatabaseOptions; cleanup: () => Promise<void> }) {
  describe(`Q/R repository on ${name}`, () => {
    const { options, cleanup } = makeOptions();
    const root = `2.25.${BigInt(`0x${randomBytes(10).toString('hex')}`)}`;
    let db: DataSource;
    let repo: TypeOrmQueryRepository;
    let loaded: Loaded;
    before(async () => {
      db = await openDatabase(options);
      loaded = await load(new TypeOrmIndexRepository(db), root);
      repo = new TypeOrmQueryRepository(db, SETTINGS);
    });
    after(async () => {
      await db?.destroy();
      await cleanup();
    });

    const query = (keys: Keys, model: string = QueryRetrieveModel.StudyRootFind, options: Partial<QueryOptions> = {}): FindQuery =>
      parseFindIdentifier(dataSet({ QueryRetrieveLevel: 'STUDY', ...keys }), model, { ...OPTIONS, ...options });
    const matches = async (q: FindQuery, r = repo): Promise<QueryMatch[]> => {
      const out: QueryMatch[] = [];
      for await (const m of r.find(q)) out.push(m);
      return out;
    };
    /** Study UIDs found, restricted to this suite's fixture (the database may hold other tests' rows). */
    const studies = async (keys: Keys, options: Partial<QueryOptions> = {}): Promise<string[]> => {
      const found = await matches(query({ StudyInstanceUID: '', ...keys }, QueryRetrieveModel.StudyRootFind, options));
      return found
        .map((m) => ((m.attributes.study?.['0020000D'] as { Value: string[] }).Value[0] as string))
        .filter((uid) => uid.startsWith(`${root}.`))
        .map((uid) => uid.slice(root.length + 1));
    };

    test('single value, universal, wildcard, UID list, range and empty matching select the expected studies', async () => {
      assert.deepEqual(await studies({ PatientID: `${root}-P1` }), ['1']);
      assert.deepEqual(await studies({ PatientName: 'smith*' }), ['2', '1'], 'PN case-insensitive wildcard, newest study first');
      assert.deepEqual(await studies({ PatientName: 'smith*' }, { caseInsensitivePn: false }), []);
      assert.deepEqual(await studies({ PatientName: 'Yamada^Tarou' }), ['3'], 'alphabetic group');
      assert.deepEqual(await studies({ PatientName: '山田^太郎' }), ['3'], 'ideographic group');
      assert.deepEqual(await studies({ StudyInstanceUID: `${root}.1\\${root}.3` }), ['1', '3']);
      assert.deepEqual(await studies({ StudyDate: '20240101-20240131' }), ['4', '1']);
      assert.deepEqual(await studies({ StudyDate: '20240115', StudyTime: '1000-1200' }), ['1']);
      assert.deepEqual(await studies({ StudyDate: '-20231231' }), ['3']);
      assert.deepEqual(await studies({ AccessionNumber: '""', PatientID: `${root}*` }), ['3']);
      assert.deepEqual(await studies({ StudyDescription: '*CHEST', PatientID: `${root}*` }), ['2', '1']);
    });

    test('C.2.2.2.5.1 combined date-time range when negotiated', async () => {
      const keys = { StudyDate: '20240115-20240201', StudyTime: '1200-0900', PatientID: `${root}*` };
      assert.deepEqual(await studies(keys, { combinedDateTime: true }), ['2', '4']);
      assert.deepEqual(await studies({ ...keys, StudyTime: '0900-1200' }), ['1']);
    });

    test('C.2.2.2.6 sequence matching on the stored jsonb', async () => {
      const item = (value: string, scheme = ''): DataSet[] => [dataSet({ CodeValue: value, CodingSchemeDesignator: scheme })];
      assert.deepEqual(await studies({ ProcedureCodeSequence: item('CT9') }), ['1']);
      assert.deepEqual(await studies({ ProcedureCodeSequence: item('CT9', 'SNM3') }), []);
      assert.deepEqual(await studies({ ProcedureCodeSequence: item('C*', 'LOCAL') }), ['1']);
    });

    test('injection attempts are values, never SQL: quotes, LIKE wildcards and backslashes match literally', async () => {
      assert.deepEqual(await studies({ PatientID: `${root}-X'; DROP TABLE patient; --` }), ['4']);
      assert.deepEqual(await studies({ PatientName: "O'BRIEN*" }), ['4']);
      assert.deepEqual(await studies({ StudyDescription: '100%*' }), ['2'], '% is literal');
      assert.deepEqual(await studies({ StudyDescription: 'A_C' }), ['3'], '_ is literal');
      assert.deepEqual(await studies({ StudyDescription: 'A?C' }), ['4', '3'], '? is one character');
      assert.deepEqual(await studies({ StudyDescription: "' OR 1=1 --" }), []);
      assert.deepEqual(await studies({ AdditionalPatientHistory: 'C:\\temp 5*' }), ['4'], 'a backslash in LT is a character');
      assert.deepEqual(await studies({ AdditionalPatientHistory: 'C:?temp*' }), ['4']);
      assert.deepEqual(await studies({ PatientSex: 'F\\O', PatientID: `${root}*` }), ['2', '4'], 'a backslash in CS lists values');
      const [count] = await db.query(`SELECT count(*)::int AS n FROM patient WHERE patient_id LIKE $1`, [`${root}%`]);
      assert.equal(count.n, 4, 'the patient table is intact');
      const sql = buildFindSql(query({ PatientID: "X'; DROP TABLE patient; --", StudyDescription: 'A%*' }), SETTINGS);
      assert.ok(!sql.text.includes('DROP') && !sql.text.includes('A%'), 'no value inside the SQL text');
    });

    test('the SQL agrees with the in-memory definition of matching (PS3.4 C.2.2.2) on every query of a list', async () => {
      const entities = studyEntities(loaded.records);
      const list: Keys[] = [
        { PatientName: 'SMITH^JOHN' }, { PatientName: 's*' }, { PatientName: '*^J*' }, { PatientName: 'やまだ*' }, { PatientName: '*N' },
        { PatientID: `${root}-P?` }, { StudyDate: '20240115' }, { StudyDate: '20240116-' }, { StudyTime: '0800-1015' }, { StudyTime: '1015' },
        { AccessionNumber: 'A*' }, { AccessionNumber: '""' }, { StudyDescription: '*C*' }, { StudyID: '4' }, { PatientBirthDate: '-19700101' },
        { PatientSex: 'M\\F' }, { ProcedureCodeSequence: [dataSet({ CodeMeaning: 'XR1*' })] }, { ReferringPhysicianName: '""' },
      ];
      for (const keys of list) {
        const q = query({ StudyInstanceUID: '', ...keys });
        const sql = (await matches(q)).map((m) => (m.attributes.study?.['0020000D'] as { Value: string[] }).Value[0] as string).filter((u) => u.startsWith(`${root}.`)).sort();
        const memory = [...entities].filter(([, e]) => matchesQuery(q, e)).map(([uid]) => uid).sort();
        assert.deepEqual(sql, memory, JSON.stringify(keys));
      }
    });

    test('return keys come as jsonb subsets of each level; computed keys from the counters', async () => {
      const [m] = await matches(query({ PatientID: `${root}-P1`, PatientName: '', StudyDescription: '', NumberOfStudyRelatedSeries: '', NumberOfStudyRelatedInstances: '', ModalitiesInStudy: '', SOPClassesInStudy: '', NumberOfPatientRelatedStudies: '', NumberOfPatientRelatedInstances: '' }));
      assert.ok(m);
      assert.deepEqual(Object.keys(m.attributes.patient ?? {}).sort(), ['00100010', '00100020']);
      assert.deepEqual(Object.keys(m.attributes.study ?? {}).sort(), ['00081030']);
      assert.deepEqual(m.computed, {
        numberOfStudyRelatedSeries: 2, numberOfStudyRelatedInstances: 5, modalitiesInStudy: ['CT', 'MR'], sopClassesInStudy: ['1.2.840.10008.5.1.4.1.1.2'],
        numberOfPatientRelatedStudies: 1, numberOfPatientRelatedInstances: 5,
      });
      const counted = await studies({ ModalitiesInStudy: 'MR\\US' });
      assert.deepEqual(counted, ['2', '1']);
    });

    test('every level of Patient Root and Study Root', async () => {
      const patient = await matches(parseFindIdentifier(dataSet({ QueryRetrieveLevel: 'PATIENT', PatientID: `${root}-P1`, NumberOfPatientRelatedSeries: '' }), QueryRetrieveModel.PatientRootFind, OPTIONS));
      assert.equal(patient.length, 1);
      assert.equal(patient[0]?.computed.numberOfPatientRelatedSeries, 2);
      const series = await matches(parseFindIdentifier(dataSet({ QueryRetrieveLevel: 'SERIES', StudyInstanceUID: `${root}.1`, Modality: '', NumberOfSeriesRelatedInstances: '' }), QueryRetrieveModel.StudyRootFind, OPTIONS));
      assert.deepEqual(series.map((s) => [(s.attributes.series?.['00080060'] as { Value: string[] }).Value[0], s.computed.numberOfSeriesRelatedInstances]), [['CT', 3], ['MR', 2]]);
      const images = await matches(parseFindIdentifier(dataSet({ QueryRetrieveLevel: 'IMAGE', PatientID: `${root}-P1`, StudyInstanceUID: `${root}.1`, SeriesInstanceUID: `${root}.1.1`, SOPInstanceUID: '', InstanceNumber: '' }), QueryRetrieveModel.PatientRootFind, OPTIONS));
      assert.deepEqual(images.map((i) => (i.attributes.instance?.['00080018'] as { Value: string[] }).Value[0]), [`${root}.1.1.1`, `${root}.1.1.2`, `${root}.1.1.3`]);
    });

    test('more matches than the maximum: TooManyMatchesError before any match', async () => {
      const small = new TypeOrmQueryRepository(db, { ...SETTINGS, maxMatches: 2 });
      const seen: QueryMatch[] = [];
      await assert.rejects(async () => {
        for await (const m of small.find(query({ PatientID: `${root}*` }))) seen.push(m);
      }, TooManyMatchesError);
      assert.equal(seen.length, 0);
      assert.equal((await matches(query({ PatientID: `${root}-P1` }), small)).length, 1, 'at the maximum, answered');
    });

    test('streamed in batches of fetchSize; aborting ends the iteration and closes the cursor', async () => {
      const controller = new AbortController();
      const seen: QueryMatch[] = [];
      for await (const m of repo.find(query({ PatientID: `${root}*` }), controller.signal)) {
        seen.push(m);
        controller.abort();
      }
      assert.ok(seen.length >= 1 && seen.length <= 2, `stopped within the first batch, saw ${seen.length}`);
      const [open] = await db.query(`SELECT count(*)::int AS n FROM pg_cursors WHERE name LIKE 'qr\\_%'`);
      assert.equal(open.n, 0);
      assert.equal((await matches(query({ PatientID: `${root}*` }))).length, 4, 'all four, over two fetches');
      // Closed after the last batch without the caller waiting for it; PGlite's one session runs
      // the CLOSE before this count (on PostgreSQL the cursor's session is another one).
      const [afterAll] = await db.query(`SELECT count(*)::int AS n FROM pg_cursors WHERE name LIKE 'qr\\_%'`);
      assert.equal(afterAll.n, 0);
    });

    test('study sort order is configurable', async () => {
      const ascending = new TypeOrmQueryRepository(db, { ...SETTINGS, studySortOrder: 'study-date-asc' });
      const found = await matches(query({ PatientID: `${root}*`, StudyDate: '' }), ascending);
      assert.deepEqual(found.map((m) => (m.attributes.study?.['00080020'] as { Value: string[] }).Value[0]), ['20230101', '20240115', '20240115', '20240201']);
    });

    test('resolveInstances: the instances of a study, a series, a patient, a list of SOP Instance UIDs', async () => {
      const resolve = async (keys: Keys, model: string = QueryRetrieveModel.StudyRootMove): Promise<string[]> => {
        const out: string[] = [];
        for await (const batch of repo.resolveInstances(parseRetrieveIdentifier(dataSet(keys), model))) out.push(...batch.map((i) => i.sopInstanceUid));
        return out;
      };
      assert.deepEqual(await resolve({ QueryRetrieveLevel: 'STUDY', StudyInstanceUID: `${root}.1` }), loaded.sopUids.get(`${root}.1`));
      assert.deepEqual(await resolve({ QueryRetrieveLevel: 'SERIES', StudyInstanceUID: `${root}.1`, SeriesInstanceUID: `${root}.1.2` }), [`${root}.1.2.1`, `${root}.1.2.2`]);
      assert.deepEqual(await resolve({ QueryRetrieveLevel: 'PATIENT', PatientID: `${root}-P2` }, QueryRetrieveModel.PatientRootGet), [`${root}.2.1.1`]);
      assert.deepEqual(await resolve({ QueryRetrieveLevel: 'IMAGE', StudyInstanceUID: `${root}.1`, SeriesInstanceUID: `${root}.1.1`, SOPInstanceUID: `${root}.1.1.3\\${root}.1.1.1` }), [`${root}.1.1.1`, `${root}.1.1.3`]);
      assert.deepEqual(await resolve({ QueryRetrieveLevel: 'STUDY', StudyInstanceUID: `${root}.9` }), []);
      const [first] = (await repo.resolveInstances(parseRetrieveIdentifier(dataSet({ QueryRetrieveLevel: 'IMAGE', StudyInstanceUID: `${root}.1`, SeriesInstanceUID: `${root}.1.1`, SOPInstanceUID: `${root}.1.1.2` }), QueryRetrieveModel.StudyRootGet))[Symbol.asyncIterator]().next()).value ?? [];
      assert.deepEqual(first, { sopInstanceUid: `${root}.1.1.2`, sopClassUid: '1.2.840.10008.5.1.4.1.1.2', transferSyntaxUid: '1.2.840.10008.1.2.1', tier: 'primary', storageKey: `k/${root}.1.1.2`, size: 101 });
    });

    if (name === 'PostgreSQL') {
      test('EXPLAIN: Patient ID and Study Instance UID lookups are index scans', async () => {
        const plan = async (q: FindQuery): Promise<string> => {
          const { text, values } = buildFindSql(q, SETTINGS);
          const runner = db.createQueryRunner();
          await runner.connect();
          try {
            // With sequential scans priced out, a plan still scanning the table means no usable index.
            await runner.query('SET enable_seqscan = off');
            const rows: Array<{ 'QUERY PLAN': string }> = await runner.query(`EXPLAIN ${text}`, values);
            return rows.map((r) => r['QUERY PLAN']).join('\n');
          } finally {
            await runner.query('RESET enable_seqscan');
            await runner.release();
          }
        };
        const byPatient = await plan(parseFindIdentifier(dataSet({ QueryRetrieveLevel: 'STUDY', PatientID: 'PID1', StudyInstanceUID: '' }), QueryRetrieveModel.PatientRootFind, OPTIONS));
        assert.match(byPatient, /Index (Only )?Scan using (ix_patient_patient_id|uq_patient_identity) on patient|Bitmap Index Scan on (ix_patient_patient_id|uq_patient_identity)/, byPatient);
        assert.doesNotMatch(byPatient, /Seq Scan on (patient|study)/, byPatient);
        const byStudy = await plan(parseFindIdentifier(dataSet({ QueryRetrieveLevel: 'SERIES', StudyInstanceUID: '1.2.3', SeriesInstanceUID: '' }), QueryRetrieveModel.StudyRootFind, OPTIONS));
        assert.match(byStudy, /Index (Only )?Scan using uq_study_instance_uid on study|Bitmap Index Scan on uq_study_instance_uid/, byStudy);
        assert.doesNotMatch(byStudy, /Seq Scan on (study|series)/, byStudy);
        const byName = await plan(parseFindIdentifier(dataSet({ QueryRetrieveLevel: 'PATIENT', PatientName: 'SMI*' }), QueryRetrieveModel.PatientRootFind, OPTIONS));
        assert.match(byName, /ix_patient_name_search/, byName);
      });
    }
  });
}

suite('PostgreSQL', () => tempPostgresSchema(3));

suite('PGlite', () => tempPglite('pacs-pglite-qr-'));
