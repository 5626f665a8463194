import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './free-port';

const run = promisify(execFile);

export interface PrivatePostgres {
  readonly port: number;
  /** postgres://postgres@127.0.0.1:<port>/postgres (trust authentication). */
  readonly url: string;
  readonly running: boolean;
  /** Stops the cluster; 'immediate' is the crash-like stop (no checkpoint, clients cut off). */
  stop(mode?: 'immediate' | 'fast'): Promise<void>;
  /** Starts it again on the same port and data directory; resolves once it accepts connections. */
  start(): Promise<void>;
  /** Stops it for good and removes its directory. */
  dispose(): Promise<void>;
}

export class PostgresUnavailableError extends Error {
  override readonly name = 'PostgresUnavailableError';
}

function postgresBin(): string {
  const explicit = process.env['PACS_TEST_PG_BIN'];
  if (explicit) return explicit;
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb'))) : [];
  versions.sort((a, b) => Number(a) - Number(b));
  const latest = versions.at(-1);
  if (!latest) throw new PostgresUnavailableError(`no PostgreSQL server binaries under ${root} (set PACS_TEST_PG_BIN)`);
  return join(root, latest, 'bin');
}

/**
 * A PostgreSQL cluster of the test's own (initdb in a temporary directory, a free loopback
 * port), so a test can stop it without disturbing the shared database. PostgreSQL refuses to
 * run as root, so as root the cluster belongs to the `postgres` user, as in
 * ../shared/peers/run-peer.sh.
 */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = postgresBin();
  const asRoot = process.getuid?.() === 0;
  const owner = asRoot ? 'postgres' : userInfo().username;
  const as = (tool: string, args: string[]): Promise<unknown> =>
    asRoot ? run('runuser', ['-u', 'postgres', '--', join(bin, tool), ...args]) : run(join(bin, tool), args);
  const base = await mkdtemp(join(tmpdir(), 'pacs-postgres-'));
  // The cluster's owner must be able to reach its directories inside root's temporary one.
  await chmod(base, 0o755);
  const dataDir = join(base, 'data');
  const socketDir = join(base, 'sock');
  const logFile = join(base, 'postgres.log');
  await mkdir(dataDir, { mode: 0o700 });
  await mkdir(socketDir);
  await writeFile(logFile, '');
  if (asRoot) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const uid = Number(stdout.trim());
    const gid = Number((await run('id', ['-g', 'postgres'])).stdout.trim());
    for (const path of [dataDir, socketDir, logFile]) await chown(path, uid, gid);
  }
  await as('initdb', ['-D', dataDir, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--no-sync']).catch((err: unknown) => {
    throw new PostgresUnavailableError(`initdb as ${owner} failed: ${(err as { stderr?: string }).stderr ?? String(err)}`);
  });
  const port = await freePort();
  // fsync off: only the machine crashing could lose data then, and it is a test cluster; commits
  // stay synchronous, so a crash-like stop loses nothing an indexer saw committed.
  const serverOptions = `-p ${port} -k ${socketDir} -c listen_addresses=127.0.0.1 -c fsync=off`;
  let running = false;
  const start = async (): Promise<void> => {
    await as('pg_ctl', ['-D', dataDir, '-l', logFile, '-o', serverOptions, '-w', '-t', '60', 'start']);
    running = true;
  };
  const stop = async (mode: 'immediate' | 'fast' = 'immediate'): Promise<void> => {
    await as('pg_ctl', ['-D', dataDir, '-m', mode, '-w', '-t', '60', 'stop']);
    running = false;
  };
  await start();
  return {
    port,
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    get running() {
      return running;
    },
    stop,
    start,
    async dispose() {
      if (running) await stop('immediate').catch(() => undefined);
      await rm(base, { recursive: true, force: true });
    },
  };
}
