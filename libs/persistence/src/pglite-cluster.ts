// Creating a PGlite cluster (its initdb) touches far more WebAssembly memory than running one,
// and WebAssembly memory is never given back: a process that created its cluster kept ~800 MiB
// RSS where one opening an existing cluster needs ~300-400 MiB (measured on PGlite 0.5). So a
// missing cluster is created in a worker thread, whose memory goes when it exits; the process
// then opens the cluster that now exists.
import { existsSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

export async function ensurePgliteCluster(dataDir: string): Promise<void> {
  if (existsSync(join(dataDir, 'PG_VERSION'))) return;
  const pglite = import.meta.resolve('@electric-sql/pglite');
  const worker = new Worker(
    `import(${JSON.stringify(pglite)}).then(async ({ PGlite }) => {
       const db = await PGlite.create({ dataDir: ${JSON.stringify(dataDir)} });
       await db.close();
     })`,
    { eval: true },
  );
  const [code] = (await once(worker, 'exit')) as [number];
  if (code !== 0) throw new Error(`creating the PGlite cluster in ${dataDir} failed (worker exit ${code})`);
}
