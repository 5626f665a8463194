import type { StorageLogger } from '../logger';

export const MIB = 1024 * 1024;
/** S3 rejects parts below 5 MiB (except the last) and above 5 GiB. */
export const MIN_PART_SIZE = 5 * MIB;
export const MAX_PART_SIZE = 5 * 1024 * MIB;
/** S3 allows at most 10,000 parts per multipart upload. */
export const MAX_PARTS = 10_000;

export interface S3ObjectStoreOptions {
  /** Host name or IP of the S3 API, without scheme (e.g. "s3.eu-west-1.amazonaws.com", "rgw.local"). */
  endPoint: string;
  /** Defaults to 443 with useSSL, 80 without. */
  port?: number;
  /** Defaults to true. */
  useSSL?: boolean;
  accessKey: string;
  secretKey: string;
  bucket: string;
  /** Defaults to "us-east-1" (what Ceph RGW, SeaweedFS and Garage answer by default). */
  region?: string;
  /** Path-style URLs (https://host/bucket/key). Defaults to true; AWS virtual-host buckets need false. */
  pathStyle?: boolean;
  /** Create the bucket when missing. Defaults to false: in production a missing bucket is a misconfiguration. */
  createBucket?: boolean;
  /**
   * Bytes buffered per part (default 16 MiB, 5 MiB..5 GiB). Objects up to one part go up in a
   * single PUT; larger ones as a multipart upload, so memory per upload stays near 2 parts and
   * an object of unknown size may reach 10,000 parts.
   */
  partSize?: number;
  /**
   * Longest silence allowed on a connection (connect, send, or waiting for the response
   * headers) before the request fails as StorageUnavailableError. Defaults to 30 s.
   */
  requestTimeoutMs?: number;
  logger?: StorageLogger;
}

export const DEFAULT_PART_SIZE = 8 * MIB;
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
export const DEFAULT_REGION = 'us-east-1';
