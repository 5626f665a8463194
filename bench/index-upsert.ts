// Indexing throughput of the repository alone (no DICOM, no bus): upserts per second on PGlite
// and on PostgreSQL, by batch size (instances per transaction) and transactions at once. Usage:
//   npx tsx bench/index-upsert.ts [instances=1000] [concurrency=1,2] [batch=1,16,64]
import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readPart10Header } from '@pacs/dicom';
import { toIndexRecords } from '@pacs/domain';
import { openDatabase, TypeOrmIndexRepository, type UpsertInstanceInput } from '@pacs/persistence';
import { makeDataset, tempPglite, tempPostgresSchema, type TempDatabase } from '@pacs/testing';

const total = Number(process.argv[2] ?? 1000);
const concurrencies = (process.argv[3] ?? '1,2').split(',').map(Number);
const batchSizes = (process.argv[4] ?? '1,16,64').split(',').map(Number);
const dir = mkdtempSync(join(tmpdir(), 'pacs-index-bench-'));
const files = makeDataset(dir, { patients: Math.max(1, total / 100), studiesPerPatient: 1, seriesPerStudy: 2, instancesPerSeries: 50, size: 8 });

const inputs: UpsertInstanceInput[] = [];
for (const f of files.slice(0, total)) {
  const { dataSet } = await readPart10Header(createReadStream(f.path), 1 << 20);
  inputs.push({
    records: toIndexRecords(dataSet),
    location: { tier: 'primary', key: `k/${f.sopInstanceUid}`, digest: `sha256:${f.sopInstanceUid}`, size: 1000 },
    receipt: { transferSyntaxUid: '1.2.840.10008.1.2.1', sourceAe: 'BENCH', receivedAt: new Date() },
    policy: 'keep-first',
  });
}

async function run(label: string, temp: TempDatabase, concurrency: number, batch: number): Promise<void> {
  const db = await openDatabase(temp.options);
  const repo = new TypeOrmIndexRepository(db);
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < inputs.length) {
      const slice = inputs.slice(next, next + batch);
      next += slice.length;
      await repo.upsertInstances(slice);
    }
  }));
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  console.log(JSON.stringify({ db: label, concurrency, batch, instances: inputs.length, ms: Math.round(ms), perInstanceMs: +(ms / inputs.length).toFixed(2), perSecond: Math.round(inputs.length / (ms / 1000)) }));
  await db.destroy();
  await temp.cleanup();
}

for (const concurrency of concurrencies) {
  for (const batch of batchSizes) {
    await run('pglite', tempPglite(), concurrency, batch);
    await run('postgres', tempPostgresSchema(Math.max(2, concurrency)), concurrency, batch);
  }
}
rmSync(dir, { recursive: true, force: true });
