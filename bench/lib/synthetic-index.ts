// Synthetic index content for scale tests: in-memory DataSets shaped like one real instance
// header (the template, e.g. the first file of a make-dataset.sh dataset) with the patient,
// study, series and instance attributes replaced by random but realistic values, written
// through the indexer's own repository (TypeOrmIndexRepository.upsertInstances) in batches,
// as the indexer writes them. Nothing is stored in object storage: only C-FIND reads these.
import { DataSet } from '@pacs/dicom';
import { toIndexRecords } from '@pacs/domain';
import type { IndexRepository, UpsertInstanceInput } from '@pacs/persistence';

/** Inclusive range of a random count. */
export type Range = readonly [min: number, max: number];

export interface FanOut {
  studiesPerPatient: Range;
  seriesPerStudy: Range;
  instancesPerSeries: Range;
}

/** About 2 studies x 4 series x 21 instances per patient: ~6,000 patients per 10^6 instances. */
export const REALISTIC_FAN_OUT: FanOut = { studiesPerPatient: [1, 3], seriesPerStudy: [2, 6], instancesPerSeries: [5, 37] };

export interface SyntheticOptions {
  /** Instances to generate. */
  total: number;
  /** 12 digits, first non-zero: the UID root 2.25.<seed>… and the PatientID prefix. */
  seed: string;
  fanOut?: FanOut;
  /** Upper-case prefixes no generated patient name may start with (keeps wildcard answers the same). */
  avoidNamePrefixes?: readonly string[];
}

/** mulberry32: small, fast and reproducible. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SYLLABLES = ['BA', 'KO', 'RI', 'MA', 'TE', 'LU', 'NO', 'VE', 'DA', 'SO', 'KAR', 'WEN', 'HOL', 'BER', 'TAN', 'GUS', 'FEL', 'MOR', 'LIN', 'DRO', 'PEL', 'ZA', 'QUI', 'JO', 'YAN', 'ORT', 'ESS', 'AND'];
const GIVEN = ['JAMES', 'MARY', 'ROBERT', 'PATRICIA', 'JOHN', 'JENNIFER', 'MICHAEL', 'LINDA', 'DAVID', 'ELIZABETH', 'ANNA', 'LUCAS', 'EMMA', 'NOAH', 'OLIVIA', 'YUKI', 'FATIMA', 'IVAN', 'CHEN', 'SOFIA'];
/** Modality → SOP Class UID (PS3.4 B.5) of its images. */
const MODALITIES: ReadonlyArray<readonly [string, string]> = [
  ['CT', '1.2.840.10008.5.1.4.1.1.2'],
  ['CT', '1.2.840.10008.5.1.4.1.1.2'],
  ['MR', '1.2.840.10008.5.1.4.1.1.4'],
  ['CR', '1.2.840.10008.5.1.4.1.1.1'],
  ['DX', '1.2.840.10008.5.1.4.1.1.1.1'],
  ['US', '1.2.840.10008.5.1.4.1.1.6.1'],
  ['PT', '1.2.840.10008.5.1.4.1.1.128'],
];
const STUDY_DESCRIPTIONS = ['CT CHEST W/O CONTRAST', 'CT ABDOMEN PELVIS W CONTRAST', 'CT HEAD W/O CONTRAST', 'MR BRAIN', 'XR CHEST 2 VIEWS', 'US ABDOMEN', 'PET-CT WHOLE BODY', 'MR KNEE LEFT'];
const SERIES_DESCRIPTIONS = ['AXIAL 5.0 STANDARD', 'AXIAL 1.25 LUNG', 'SAG T1', 'COR T2', 'PA', 'LATERAL', 'LOCALIZER', 'AXIAL 3.0 MIP'];
const BODY_PARTS = ['CHEST', 'ABDOMEN', 'HEAD', 'KNEE', 'PELVIS', 'SPINE'];

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/** Copies the template's elements (shared: elements are replaced, never changed in place). */
function fromTemplate(template: DataSet): DataSet {
  const ds = new DataSet();
  for (const element of template) ds.append(element);
  return ds;
}

interface PatientValues { id: string; name: string; birthDate: string; sex: string; birthYear: number }
interface StudyValues { uid: string; date: string; time: string; accession: string; id: string; description: string; age: string; bodyPart: string }
interface SeriesValues { uid: string; number: number; modality: string; sopClass: string; description: string; frameOfReference: string }

/**
 * Yields the instance headers patient by patient, study by study, series by series (the order a
 * modality sends them, which is also what the batch path of the repository is built for).
 */
export function* syntheticHeaders(template: DataSet, options: SyntheticOptions): Generator<DataSet> {
  const { total, seed } = options;
  if (!/^[1-9][0-9]{11}$/.test(seed)) throw new Error(`seed must be 12 digits, first non-zero: ${seed}`);
  const fan = options.fanOut ?? REALISTIC_FAN_OUT;
  const avoid = options.avoidNamePrefixes ?? [];
  const random = prng(Number(seed.slice(-9)));
  const int = ([min, max]: Range): number => min + Math.floor(random() * (max - min + 1));
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  // 2.25.<seed><type><pppppp><sss><sss><iiiii>: at most 39 digits after "2.25.", below 2^128.
  const uid = (type: number, p: number, st: number, se: number, i: number): string =>
    `2.25.${seed}${type}${pad(p, 6)}${pad(st, 3)}${pad(se, 3)}${pad(i, 5)}`;
  const surname = (): string => {
    for (;;) {
      let name = '';
      for (let k = int([2, 3]); k > 0; k--) name += pick(SYLLABLES);
      if (!avoid.some((prefix) => name.startsWith(prefix))) return name;
    }
  };
  const date = (fromYear: number, toYear: number): string => `${int([fromYear, toYear])}${pad(int([1, 12]), 2)}${pad(int([1, 28]), 2)}`;
  const time = (): string => `${pad(int([6, 21]), 2)}${pad(int([0, 59]), 2)}${pad(int([0, 59]), 2)}`;

  let produced = 0;
  for (let p = 1; produced < total; p++) {
    const birthYear = int([1925, 2020]);
    const patient: PatientValues = {
      id: `SYN-${seed.slice(0, 6)}-${pad(p, 6)}`,
      name: `${surname()}^${pick(GIVEN)}`,
      birthDate: `${birthYear}${pad(int([1, 12]), 2)}${pad(int([1, 28]), 2)}`,
      sex: random() < 0.5 ? 'M' : 'F',
      birthYear,
    };
    for (let st = 1, studies = int(fan.studiesPerPatient); st <= studies && produced < total; st++) {
      const studyDate = date(Math.max(2000, birthYear), 2026);
      const study: StudyValues = {
        uid: uid(1, p, st, 0, 0),
        date: studyDate,
        time: time(),
        accession: `S${seed.slice(0, 4)}${pad(p, 6)}${pad(st, 3)}`,
        id: String(st),
        description: pick(STUDY_DESCRIPTIONS),
        age: `${pad(Math.max(0, Number(studyDate.slice(0, 4)) - birthYear), 3)}Y`,
        bodyPart: pick(BODY_PARTS),
      };
      const [modality, sopClass] = pick(MODALITIES);
      for (let se = 1, series = int(fan.seriesPerStudy); se <= series && produced < total; se++) {
        const values: SeriesValues = {
          uid: uid(2, p, st, se, 0),
          number: se,
          modality,
          sopClass,
          description: pick(SERIES_DESCRIPTIONS),
          frameOfReference: uid(4, p, st, 0, 0),
        };
        for (let i = 1, instances = int(fan.instancesPerSeries); i <= instances && produced < total; i++) {
          produced++;
          yield header(template, patient, study, values, i, uid(3, p, st, se, i));
        }
      }
    }
  }
}

function header(template: DataSet, p: PatientValues, st: StudyValues, se: SeriesValues, i: number, sopInstanceUid: string): DataSet {
  const ds = fromTemplate(template);
  ds.setStrings(0x00080016, se.sopClass, 'UI')
    .setStrings(0x00080018, sopInstanceUid, 'UI')
    .setStrings(0x00080020, st.date, 'DA')
    .setStrings(0x00080021, st.date, 'DA')
    .setStrings(0x00080022, st.date, 'DA')
    .setStrings(0x00080023, st.date, 'DA')
    .setStrings(0x00080030, st.time, 'TM')
    .setStrings(0x00080031, st.time, 'TM')
    .setStrings(0x00080050, st.accession, 'SH')
    .setStrings(0x00080060, se.modality, 'CS')
    .setStrings(0x00081030, st.description, 'LO')
    .setStrings(0x0008103e, se.description, 'LO')
    .setStrings(0x00100010, p.name, 'PN')
    .setStrings(0x00100020, p.id, 'LO')
    .setStrings(0x00100030, p.birthDate, 'DA')
    .setStrings(0x00100040, p.sex, 'CS')
    .setStrings(0x00101010, st.age, 'AS')
    .setStrings(0x00180015, st.bodyPart, 'CS')
    .setStrings(0x0020000d, st.uid, 'UI')
    .setStrings(0x0020000e, se.uid, 'UI')
    .setStrings(0x00200010, st.id, 'SH')
    .setStrings(0x00200011, String(se.number), 'IS')
    .setStrings(0x00200013, String(i), 'IS')
    .setStrings(0x00200052, se.frameOfReference, 'UI');
  return ds;
}

/** The indexer's input for one synthetic header (no stored object behind the location). */
export function syntheticInput(header: DataSet, receivedAt: Date): UpsertInstanceInput {
  const records = toIndexRecords(header);
  const uid = records.instance.sopInstanceUid;
  return {
    records,
    location: { tier: 'primary', key: `synthetic/${uid}`, digest: `sha256:synthetic-${uid}`, size: 9_000 },
    receipt: { transferSyntaxUid: '1.2.840.10008.1.2.1', sourceAe: 'SYNTHETIC', receivedAt },
    policy: 'keep-first',
  };
}

export interface LoadProgress {
  instances: number;
  seconds: number;
}

/**
 * Upserts the headers in batches with `concurrency` transactions in flight; returns the count
 * written. `onProgress` is called after every batch.
 */
export async function loadThroughRepository(
  repository: IndexRepository,
  headers: Iterable<DataSet>,
  { batchSize, concurrency, onProgress }: { batchSize: number; concurrency: number; onProgress?: (p: LoadProgress) => void },
): Promise<number> {
  const started = process.hrtime.bigint();
  const iterator = headers[Symbol.iterator]();
  let written = 0;
  let done = false;
  const nextBatch = (): UpsertInstanceInput[] => {
    const batch: UpsertInstanceInput[] = [];
    const now = new Date();
    while (!done && batch.length < batchSize) {
      const next = iterator.next();
      if (next.done) done = true;
      else batch.push(syntheticInput(next.value, now));
    }
    return batch;
  };
  const worker = async (): Promise<void> => {
    for (let batch = nextBatch(); batch.length > 0; batch = nextBatch()) {
      const results = await repository.upsertInstances(batch);
      const notInserted = results.filter((r) => r.outcome !== 'inserted').length;
      if (notInserted > 0) throw new Error(`${notInserted} of ${batch.length} synthetic instances were not inserted (UID collision?)`);
      written += batch.length;
      onProgress?.({ instances: written, seconds: Number(process.hrtime.bigint() - started) / 1e9 });
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
  return written;
}
