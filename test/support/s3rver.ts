import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'minio';

// s3rver (a real S3 HTTP API on local disk) ships without types; this is the part we use.
interface S3rverInstance {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
}
type S3rverConstructor = new (options: {
  port: number;
  address: string;
  silent: boolean;
  directory: string;
  configureBuckets: { name: string }[];
}) => S3rverInstance;
const S3rver = createRequire(import.meta.url)('s3rver') as S3rverConstructor;

/** s3rver's built-in account. */
export const S3RVER_CREDENTIALS = { accessKey: 'S3RVER', secretKey: 'S3RVER' } as const;

export interface RunningS3 {
  port: number;
  stop(): Promise<void>;
}

/** Starts an S3 HTTP API on a free loopback port, storing in a temporary directory. */
export async function startS3rver(): Promise<RunningS3> {
  const directory = await mkdtemp(join(tmpdir(), 'pacs-s3rver-'));
  const server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory, configureBuckets: [] });
  const { port } = await server.run();
  return {
    port,
    stop: async () => {
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}

/**
 * What a listener killed in the middle of a PUT leaves in s3rver: a request announcing the
 * whole body, cut off after `sent` bytes. s3rver writes the body in place as it arrives and its
 * metadata only at the end, so the first bytes are listed as an object without metadata (real
 * S3 and MinIO never show an incomplete PUT). Resolves once the object is listed.
 */
export async function putCutOff(s3: RunningS3, bucket: string, key: string, body: Buffer, sent: number): Promise<void> {
  const client = new Client({ endPoint: '127.0.0.1', port: s3.port, useSSL: false, ...S3RVER_CREDENTIALS });
  const url = new URL(await client.presignedPutObject(bucket, key, 60));
  await new Promise<void>((resolve) => {
    const req = request(url, { method: 'PUT', headers: { 'Content-Length': body.length, 'Content-Type': 'application/dicom' } });
    req.on('error', () => resolve());
    req.on('response', () => resolve());
    req.write(body.subarray(0, sent), () => setTimeout(() => {
      req.destroy();
      resolve();
    }, 50));
  });
  for (let i = 0; i < 200; i++) {
    const listed = await new Promise<boolean>((resolve, reject) => {
      let found = false;
      client.listObjectsV2(bucket, key, true)
        .on('data', (o) => (found ||= o.name === key))
        .on('error', reject)
        .on('end', () => resolve(found));
    });
    if (listed) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`s3rver never listed the cut-off object ${key}`);
}
