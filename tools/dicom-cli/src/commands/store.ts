// store: C-STORE of files and directories (recursive), over -j N parallel associations, like
// storescu +sd. Each file's data set is streamed from disk in its own transfer syntax.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import {
  describeStatus,
  NoPresentationContextError,
  openPart10File,
  Part10FileError,
  proposeStorage,
  statusCategory,
  store,
  type Association,
  type Part10File,
} from '@pacs/dicom';
import { integer, parseArgs } from '../args';
import { CONNECTION_OPTIONS, openAssociation, peerFrom, type Peer } from '../connection';
import { ExitCode, UsageError } from '../exit-codes';
import { formatBytes, ProgressBar } from '../progress';

/** PS3.8 §9.3.2.2: presentation context ids are odd numbers 1–255. */
const MAX_CONTEXTS = 128;

interface Tally {
  stored: number;
  warnings: number;
  failed: number;
  skipped: number;
  bytes: number;
  associationFailures: number;
}

async function* walk(path: string): AsyncGenerator<string> {
  const entries = await readdir(path, { withFileTypes: true });
  entries.sort((a, b) => a.name.localeCompare(b.name));
  for (const e of entries) {
    const full = join(path, e.name);
    if (e.isDirectory()) yield* walk(full);
    else if (e.isFile()) yield full;
  }
}

/** Named files must be DICOM; files found in directories that are not are skipped. */
async function openInputs(inputs: readonly string[], tally: Tally): Promise<Part10File[]> {
  const files: Part10File[] = [];
  for (const input of inputs) {
    const isDirectory = (await stat(input)).isDirectory();
    const paths = isDirectory ? walk(input) : [input];
    for await (const path of paths) {
      try {
        files.push(await openPart10File(path));
      } catch (err) {
        if (!(err instanceof Part10FileError)) throw err;
        if (isDirectory) {
          tally.skipped++;
          console.error(`skipped ${err.message}`);
        } else {
          tally.failed++;
          console.error(`failed ${err.message}`);
        }
      }
    }
  }
  return files;
}

async function storeChunk(peer: Peer, files: Part10File[], tally: Tally, progress: () => void): Promise<void> {
  let association: Association;
  try {
    association = await openAssociation(peer, proposeStorage(files).slice(0, MAX_CONTEXTS));
  } catch (err) {
    tally.associationFailures++;
    tally.failed += files.length;
    console.error(`association with ${peer.calledAeTitle}@${peer.host}:${peer.port} failed: ${(err as Error).message}`);
    progress();
    return;
  }
  let index = 0;
  try {
    for (; index < files.length; index++) {
      const file = files[index]!;
      try {
        const response = await store(association, { ...file, dataSet: file.openDataSet() });
        const category = statusCategory(response.status);
        if (category === 'success' || category === 'warning') {
          tally.stored++;
          tally.bytes += file.dataSetLength;
          if (category === 'warning') {
            tally.warnings++;
            console.error(`warning ${file.path}: ${describeStatus(response.status, 'C-STORE')}`);
          }
        } else {
          tally.failed++;
          console.error(`failed ${file.path}: ${describeStatus(response.status, 'C-STORE')}${response.errorComment ? ` (${response.errorComment})` : ''}`);
        }
      } catch (err) {
        if (!(err instanceof NoPresentationContextError)) throw err;
        tally.failed++;
        console.error(`failed ${file.path}: ${err.message}`);
      }
      progress();
    }
    await association.release();
  } catch (err) {
    tally.associationFailures++;
    tally.failed += files.length - index;
    console.error(`association with ${peer.calledAeTitle} ended: ${(err as Error).message}`);
    association.abort();
  }
}

function chunks<T>(items: T[], n: number): T[][] {
  const size = Math.ceil(items.length / n);
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export async function storeCommand(argv: readonly string[]): Promise<ExitCode> {
  const args = parseArgs(argv, [...CONNECTION_OPTIONS, { names: ['-j', '--parallel'], value: true }, { names: ['--no-progress'], value: false }]);
  const { peer, rest } = peerFrom(args);
  if (rest.length === 0) throw new UsageError('no FILE or DIR given');
  const parallel = integer(args, '-j', 1);
  const tally: Tally = { stored: 0, warnings: 0, failed: 0, skipped: 0, bytes: 0, associationFailures: 0 };
  const started = Date.now();
  const files = await openInputs(rest, tally);
  const unreadable = tally.failed;
  const bar = args.flags.has('--no-progress') ? undefined : new ProgressBar(files.length);
  const progress = (): void => bar?.update(tally.stored + tally.failed, tally.bytes);
  await Promise.all(chunks(files, parallel).map((chunk) => storeChunk(peer, chunk, tally, progress)));
  bar?.finish();
  const seconds = Math.max((Date.now() - started) / 1000, 0.001);
  const total = files.length + tally.skipped + unreadable;
  console.log(
    `stored ${tally.stored} of ${total} files (${tally.failed} failed, ${tally.warnings} warnings, ${tally.skipped} skipped), ` +
      `${formatBytes(tally.bytes)} in ${seconds.toFixed(1)} s (${formatBytes(tally.bytes / seconds)}/s)`,
  );
  if (tally.associationFailures > 0) return ExitCode.AssociationFailure;
  return tally.failed > 0 ? ExitCode.OperationsFailed : ExitCode.Ok;
}
