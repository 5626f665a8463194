// The steps of bench/find-scale.sh that are not shell (see its header for the whole method):
//
//   measure --label L --aet AET --port P --dataset DIR --n N --out FILE
//       C-FIND latency (bench.sh's find-pid, find-pn, find-img; one findscu process per query,
//       N timed runs after one counting run) and a C-ECHO baseline, as JSON
//   load --peer-dir DIR --dataset DIR --total N [--batch 300] [--concurrency 2] --out FILE
//       bulk-loads the running pacs-cluster peer's index (schema from DIR/schema) up to N
//       instances through TypeOrmIndexRepository.upsertInstances, with synthetic headers shaped
//       like the dataset's first file; then ANALYZE; prints and writes the load rate
//   explain --peer-dir DIR --dataset DIR --out FILE
//       EXPLAIN (ANALYZE, BUFFERS) of the SQL our query repository runs for the three queries
//   report --dir DIR --md FILE --json FILE
//       bench/find-scale-results.md and .json from the JSON files of one run
//
// Usage: node --import tsx bench/find-scale.ts COMMAND [options]
import { spawnSync } from 'node:child_process';
import { createReadStream, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DataSet, implicitVr, readPart10Header, tagForKeyword } from '@pacs/dicom';
import { parseFindIdentifier } from '@pacs/domain';
import { openDatabase, TypeOrmIndexRepository, type DataSource } from '@pacs/persistence';
// Not exported by @pacs/persistence: the exact statement the query repository runs.
import { buildFindSql } from '../libs/persistence/src/repositories/query-sql';
import { findCases, measureFind, percentile, readManifest, type FindCase, type FindResult } from './lib/find-latency';
import { writeFindScaleReport, type ScaleRun } from './lib/find-scale-report';
import { loadThroughRepository, syntheticHeaders } from './lib/synthetic-index';

const PG_URL = process.env['BENCH_PG_URL'] ?? 'postgres://root@127.0.0.1:5432/test';
const STUDY_ROOT_FIND = '1.2.840.10008.5.1.4.1.2.2.1';
const INDEX_TABLES = ['patient', 'study', 'series', 'instance', 'object_location'];

function writeJson(path: string, value: unknown): void {
  mkdirSync(resolve(path, '..'), { recursive: true });
  writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`);
}
const load1 = (): number => Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);
const required = (values: Record<string, string | boolean | undefined>, name: string): string => {
  const v = values[name];
  if (typeof v !== 'string' || v === '') throw new Error(`--${name} is required`);
  return v;
};

async function measure(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { label: { type: 'string' }, aet: { type: 'string' }, port: { type: 'string' }, dataset: { type: 'string' }, n: { type: 'string', default: '30' }, out: { type: 'string' }, instances: { type: 'string' } } });
  const label = required(values, 'label');
  const target = { aet: required(values, 'aet'), port: Number(required(values, 'port')) };
  const n = Number(values.n);
  const cases = findCases(readManifest(required(values, 'dataset')));
  const loadBefore = load1();
  // C-ECHO: the cost of a findscu-like process + association without a query (the baseline).
  const echo: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync('echoscu', ['-aet', 'BENCHSCU', '-aec', target.aet, '127.0.0.1', String(target.port)], { env: { ...process.env, TCP_NODELAY: '1' } });
    if (r.status !== 0) throw new Error(`echoscu failed against ${label}`);
    echo.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  const results: FindResult[] = [];
  for (const c of cases) {
    const result = measureFind(target, c, n);
    results.push(result);
    console.error(`find-scale: ${label} ${c.name}: ${result.matches} matches (manifest ${c.expected}), p50 ${result.p50Ms} ms, p95 ${result.p95Ms} ms`);
  }
  const run: ScaleRun = {
    label, instances: Number(values.instances ?? 0), runs: n, loadBefore, loadAfter: load1(),
    echoP50Ms: Math.round(percentile(echo, 50) * 100) / 100, echoP95Ms: Math.round(percentile(echo, 95) * 100) / 100, results,
  };
  writeJson(required(values, 'out'), run);
}

async function openPeerDatabase(peerDir: string): Promise<DataSource> {
  const schema = (process.env['BENCH_PG_SCHEMA'] ?? readFileSync(join(peerDir, 'schema'), 'utf8')).trim();
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`not a schema name: ${JSON.stringify(schema)}`);
  return openDatabase({ driver: 'postgres', url: PG_URL, schema, poolSize: 3, statementTimeoutMs: 600_000, applicationName: 'find-scale' }, { migrate: false });
}

async function firstHeader(datasetDir: string): Promise<DataSet> {
  const manifest = readManifest(datasetDir);
  const file = join(manifest['DS_DIR'] ?? join(datasetDir, 'dicom'), 'P0001/ST001/SE001/IM00001.dcm');
  const { dataSet } = await readPart10Header(createReadStream(file), 1 << 20);
  return dataSet;
}

async function load(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { 'peer-dir': { type: 'string' }, dataset: { type: 'string' }, total: { type: 'string' }, batch: { type: 'string', default: '300' }, concurrency: { type: 'string', default: '2' }, seed: { type: 'string' }, out: { type: 'string' } } });
  const datasetDir = required(values, 'dataset');
  const manifest = readManifest(datasetDir);
  const total = Number(required(values, 'total'));
  const db = await openPeerDatabase(required(values, 'peer-dir'));
  try {
    const repository = new TypeOrmIndexRepository(db);
    const before = await repository.countInstances();
    const toLoad = Math.max(0, total - before);
    // A seed of our own: UIDs and PatientIDs never collide with the dataset's.
    const seed = values.seed ?? String(100_000_000_000 + Math.floor(Math.random() * 899_999_999_999));
    // No synthetic patient name may start like the dataset's wildcard query ("SMI*").
    const wildcard = (manifest['Q_PATIENT_NAME_WILDCARD'] ?? '').replace(/[*?].*$/, '').toUpperCase();
    const template = await firstHeader(datasetDir);
    const batchSize = Number(values.batch);
    const concurrency = Number(values.concurrency);
    console.error(`find-scale: loading ${toLoad} synthetic instances into ${before} (batches of ${batchSize}, ${concurrency} at once, seed ${seed})`);
    const loadBefore = load1();
    let reported = 0;
    const t0 = process.hrtime.bigint();
    const written = await loadThroughRepository(repository, syntheticHeaders(template, { total: toLoad, seed, avoidNamePrefixes: wildcard ? [wildcard] : [] }), {
      batchSize,
      concurrency,
      onProgress: ({ instances, seconds }) => {
        if (instances - reported < 50_000 && instances < toLoad) return;
        reported = instances;
        console.error(`find-scale: ${instances} / ${toLoad} loaded, ${Math.round(instances / seconds)} inst/s, load ${load1()}`);
      },
    });
    const loadSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const t1 = process.hrtime.bigint();
    for (const table of INDEX_TABLES) await db.query(`ANALYZE "${table}"`);
    const analyzeSeconds = Number(process.hrtime.bigint() - t1) / 1e9;
    const after = await repository.countInstances();
    const [levels] = await db.query(
      `SELECT (SELECT count(*) FROM "patient")::int AS patients, (SELECT count(*) FROM "study")::int AS studies, (SELECT count(*) FROM "series")::int AS series`,
    );
    const [size] = await db.query(
      `SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0)::bigint::text AS bytes FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema() AND c.relkind = 'r'`,
    );
    const result = {
      before, written, after, batchSize, concurrency, seed,
      loadSeconds: Math.round(loadSeconds * 10) / 10,
      instancesPerSecond: Math.round(written / loadSeconds),
      analyzeSeconds: Math.round(analyzeSeconds * 10) / 10,
      patients: levels.patients as number, studies: levels.studies as number, series: levels.series as number,
      databaseMiB: Math.round(Number(size.bytes) / 1048576),
      loadBefore, loadAfter: load1(),
    };
    console.error(`find-scale: loaded ${written} instances in ${result.loadSeconds} s = ${result.instancesPerSecond} inst/s; index now ${after} instances, ` +
      `${result.patients} patients, ${result.studies} studies, ${result.series} series, ${result.databaseMiB} MiB; ANALYZE ${result.analyzeSeconds} s`);
    if (after < total) throw new Error(`index holds ${after} instances, wanted ${total}`);
    writeJson(required(values, 'out'), result);
  } finally {
    await db.destroy();
  }
}

/** The identifier findscu sends for a case's -k options. */
function identifierOf(c: FindCase): DataSet {
  const ds = new DataSet();
  for (let i = 0; i < c.keys.length; i++) {
    if (c.keys[i] !== '-k') continue;
    const [keyword, value = ''] = c.keys[++i]!.split(/=(.*)/s);
    const tag = tagForKeyword(keyword!);
    if (tag === undefined) throw new Error(`unknown keyword ${keyword}`);
    ds.setStrings(tag, value, implicitVr(tag));
  }
  return ds;
}

async function explain(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { 'peer-dir': { type: 'string' }, dataset: { type: 'string' }, out: { type: 'string' } } });
  const db = await openPeerDatabase(required(values, 'peer-dir'));
  const parts: string[] = [];
  try {
    for (const c of findCases(readManifest(required(values, 'dataset')))) {
      const query = parseFindIdentifier(identifierOf(c), STUDY_ROOT_FIND, { caseInsensitivePn: true, relational: false, combinedDateTime: false });
      // The qr-service's defaults (libs/platform config: qr.maxMatches, qr.studySortOrder).
      const statement = buildFindSql(query, { maxMatches: 10_000, studySortOrder: 'study-date-desc' });
      const runner = db.createQueryRunner();
      await runner.connect();
      try {
        await runner.startTransaction();
        // As the repository runs it: through a cursor (planned for a fast start).
        const plan: Array<{ 'QUERY PLAN': string }> = await runner.query(
          `EXPLAIN (ANALYZE, BUFFERS) DECLARE find_scale NO SCROLL CURSOR FOR ${statement.text}`,
          statement.values,
        );
        parts.push(`## ${c.name}\n\n${statement.text}\n\nparameters: ${JSON.stringify(statement.values)}\n\n${plan.map((r) => r['QUERY PLAN']).join('\n')}\n`);
      } finally {
        await runner.rollbackTransaction().catch(() => undefined);
        await runner.release();
      }
    }
  } finally {
    await db.destroy();
  }
  const out = required(values, 'out');
  mkdirSync(resolve(out, '..'), { recursive: true });
  writeFileSync(out, parts.join('\n'));
  for (const part of parts) {
    const name = part.split('\n')[0];
    const time = /Execution Time: ([0-9.]+ ms)/.exec(part)?.[1];
    console.error(`find-scale: EXPLAIN ANALYZE ${name?.slice(3)}: execution ${time ?? '?'}`);
  }
}

async function report(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { dir: { type: 'string' }, md: { type: 'string' }, json: { type: 'string' } } });
  const failed = writeFindScaleReport(required(values, 'dir'), required(values, 'md'), required(values, 'json'));
  if (failed.length > 0) {
    console.error(`find-scale: answer check failed: ${failed.join('; ')}`);
    process.exitCode = 1;
  }
}

const [command, ...rest] = process.argv.slice(2);
const commands: Record<string, (args: string[]) => Promise<void>> = { measure, load, explain, report };
const run = commands[command ?? ''];
if (!run) {
  console.error('usage: node --import tsx bench/find-scale.ts measure|load|explain|report [options] (see the header)');
  process.exit(2);
}
try {
  await run(rest);
} catch (err) {
  console.error(`find-scale ${command}: ${(err as Error).stack ?? err}`);
  process.exit(1);
}
