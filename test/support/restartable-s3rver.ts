import { mkdtemp, rm } from 'node:fs/promises';
import type { RequestListener, Server } from 'node:http';
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
   * Takes the endpoint away: stops accepting connections, answers a request that arrives on a
   * kept-alive one 503 at once (without s3rver seeing it), lets requests already being served
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
  let refusing = false;
  const start = async (): Promise<void> => {
    if (server) return;
    const instance = new S3rver({ port, address: '127.0.0.1', silent: true, directory, configureBuckets: [] });
    await instance.run();
    const http = instance.httpServer;
    if (http) {
      // s3rver's own handlers run only for requests that come before a stop.
      const handlers = http.listeners('request') as RequestListener[];
      http.removeAllListeners('request');
      http.on('request', (req, res) => {
        if (refusing) {
          res.writeHead(503, { connection: 'close', 'content-type': 'application/xml' });
          res.end('<?xml version="1.0" encoding="UTF-8"?><Error><Code>ServiceUnavailable</Code><Message>stopped by the test</Message></Error>');
          return;
        }
        inFlight++;
        res.once('close', () => inFlight--);
        for (const handler of handlers) handler.call(http, req, res);
      });
    }
    refusing = false;
    server = instance;
  };
  const stop = async (): Promise<void> => {
    const http = server?.httpServer;
    server = undefined;
    if (!http) return;
    // Without this, a fast client keeps storing over its kept-alive connections until they drain.
    refusing = true;
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
