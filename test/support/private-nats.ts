import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port';
import { spawnServer, type ServerProcess } from './server-process';

const NATS_SERVER = process.env['PACS_TEST_NATS_SERVER'] ?? '/usr/sbin/nats-server';

export interface PrivateNats {
  readonly port: number;
  readonly url: string;
  /** JetStream store directory; kept across kill and restart, as a pod's volume would be. */
  readonly storeDir: string;
  readonly running: boolean;
  /** Kills the server (SIGKILL unless told otherwise) and waits for its exit. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Starts it again on the same port and store directory; resolves once it serves. */
  restart(): Promise<void>;
  /** Kills it for good and removes the store directory. */
  dispose(): Promise<void>;
}

/**
 * A nats-server with JetStream of the test's own, on a free loopback port, so a test can kill
 * it without disturbing the shared NATS other tests use.
 */
export async function startPrivateNats(): Promise<PrivateNats> {
  const storeDir = await mkdtemp(join(tmpdir(), 'pacs-nats-'));
  const port = await freePort();
  const launch = (): Promise<ServerProcess> =>
    spawnServer('nats-server', NATS_SERVER, ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', storeDir], /Server is ready/);
  let server: ServerProcess | undefined = await launch();
  return {
    port,
    url: `nats://127.0.0.1:${port}`,
    storeDir,
    get running() {
      return server !== undefined;
    },
    async kill(signal = 'SIGKILL') {
      await server?.kill(signal);
      server = undefined;
    },
    async restart() {
      if (server) return;
      server = await launch();
    },
    async dispose() {
      await server?.kill('SIGKILL');
      server = undefined;
      await rm(storeDir, { recursive: true, force: true });
    },
  };
}
