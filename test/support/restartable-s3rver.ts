import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port';

// The part of s3rver's (untyped) API used here; httpServer exists once run() resolved.
interface S3rverInstance {
  run(): Promise<unknown>;
  close(): Promise<void>;
  httpServer?: Server;
}
type S3rverConstructor = new (options: { port: number; address: string; silent: boolean; directory: string; configureBuckets: { name: string }[] }) => S3rverInstance;
const S3rver = createRequire(import.meta.url)('s3rver') as S3rverConstructor;

export interface RestartableS3 {
  readonly port: number;
  readonly running: boolean;
  /**
   * Takes the endpoint away: stops accepting connections, lets requests already being served
   * finish (bounded), then cuts every connection. Waiting for them matters because s3rver,
   * unlike a real S3, writes objects in place: cut mid-PUT it would list a partial object.
   */
  stop(): Promise<void>;
  /** Serves again on the same port and directory (the objects stored before are still there). */
  start(): Promise<void>;
  dispose(): Promise<void>;
}

/** s3rver on a port chosen once, so it can be stopped and started again where clients expect it. */
export async function startRestartableS3rver(): Promise<RestartableS3> {
  const directory = await mkdtemp(join(tmpdir(), 'pacs-s3rver-'));
  const port = await freePort();
  let server: S3rverInstance | undefined;
  let inFlight = 0;
  const start = async (): Promise<void> => {
    if (server) return;
    const instance = new S3rver({ port, address: '127.0.0.1', silent: true, directory, configureBuckets: [] });
    await instance.run();
    instance.httpServer?.on('request', (_req, res) => {
      inFlight++;
      res.once('close', () => inFlight--);
    });
    server = instance;
  };
  const stop = async (): Promise<void> => {
    const http = server?.httpServer;
    server = undefined;
    if (!http) return;
    const closed = new Promise<void>((resolve) => http.close(() => resolve()));
    for (let i = 0; i < 200 && inFlight > 0; i++) await new Promise((r) => setTimeout(r, 25));
    http.closeAllConnections();
    await closed;
  };
  await start();
  return {
    port,
    get running() {
      return server !== undefined;
    },
    start,
    stop,
    async dispose() {
      await stop();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
