// An S3 HTTP API for the cluster-mode benchmark: s3rver on a given loopback port, storing in
// a given directory, in the foreground until SIGTERM. Credentials are s3rver's built-in
// S3RVER/S3RVER; the PACS creates its bucket (storage.s3.createBucket).
// Usage: tsx bench/s3-server.ts PORT DIR
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';

interface S3rverInstance {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
}
type S3rverConstructor = new (options: { port: number; address: string; silent: boolean; directory: string; configureBuckets: { name: string }[] }) => S3rverInstance;
const S3rver = createRequire(import.meta.url)('s3rver') as S3rverConstructor;

const [portArg, directory] = process.argv.slice(2);
const port = Number(portArg);
if (!Number.isInteger(port) || port < 0 || port > 65535 || !directory) {
  console.error('usage: tsx bench/s3-server.ts PORT DIR');
  process.exit(2);
}
mkdirSync(directory, { recursive: true });
const server = new S3rver({ port, address: '127.0.0.1', silent: true, directory, configureBuckets: [] });
const address = await server.run();
console.log(JSON.stringify({ msg: 's3rver listening', port: address.port, directory }));
const stop = (): void => {
  server.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
