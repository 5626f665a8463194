import { createHash } from 'node:crypto';
import { finished } from 'node:stream/promises';
import { CopyDestinationOptions, CopySourceOptions, type Client } from 'minio';
import type { ByteDigest } from '../byte-digest';
import { ObjectTooLargeError } from '../errors';
import type { StorageLogger } from '../logger';
import { SHA256_METADATA_KEY, type ValidPutOptions } from '../put-options';
import { MAX_PARTS } from './s3-options';
import { mapS3Error } from './s3-errors';

export interface S3UploadTarget {
  client: Client;
  bucket: string;
  key: string;
  /** describe() of the store, for error messages. */
  store: string;
  logger: StorageLogger;
}

const META_PREFIX = 'x-amz-meta-';
/** CopyObject (used to attach the digest after a multipart upload) is limited to 5 GiB. */
const MAX_SINGLE_COPY_BYTES = 5 * 1024 * 1024 * 1024;

function objectHeaders(options: ValidPutOptions, sha256?: string): Record<string, string> {
  const headers: Record<string, string> = { 'Content-Type': options.contentType };
  for (const [name, value] of Object.entries(options.metadata)) headers[`${META_PREFIX}${name}`] = value;
  if (sha256 !== undefined) headers[`${META_PREFIX}${SHA256_METADATA_KEY}`] = sha256;
  return headers;
}

/**
 * Uploads the parts produced from the digesting stream. Backend failures leave here already
 * typed; failures of `parts` (the caller's source) pass through untouched so the caller can tell
 * them apart. Nothing becomes visible under the key unless every byte arrived: a short object is
 * sent in one PUT only after the source ended, a long one as a multipart upload that is only
 * completed after the source ended and is aborted otherwise.
 */
export async function uploadObject(
  target: S3UploadTarget,
  parts: AsyncIterator<Buffer>,
  digest: ByteDigest,
  options: ValidPutOptions,
  partSize: number,
): Promise<void> {
  const first = await parts.next();
  if (first.done === true) return putSingle(target, Buffer.alloc(0), digest, options);
  if (first.value.length < partSize) return putSingle(target, first.value, digest, options);
  const second = await parts.next();
  if (second.done === true) return putSingle(target, first.value, digest, options);
  return putMultipart(target, first.value, second.value, parts, digest, options);
}

async function putSingle(target: S3UploadTarget, body: Buffer, digest: ByteDigest, options: ValidPutOptions): Promise<void> {
  const { client, bucket, key, store } = target;
  // The source has ended, so the digest is known before the bytes leave and goes up with them.
  const { sha256 } = digest.result();
  const headers = { ...objectHeaders(options, sha256), ...integrityHeaders(client, body) };
  // Our own PUT rather than client.putObject(), which would hash the body again: the payload's
  // SHA-256 that signs a plain-HTTP request (SigV4 x-amz-content-sha256, checked by the server
  // against the bytes it received) is the object digest just computed.
  try {
    const response = await client.makeRequestStreamAsync(
      { method: 'PUT', bucketName: bucket, objectName: key, headers }, body, client.enableSHA256 ? sha256 : '', [200], '',
    );
    await finished(response.resume());
  } catch (error) {
    throw mapS3Error(store, error, key);
  }
}

/**
 * Content-Length, and the body's MD5 where the request is not signed with the payload's SHA-256
 * (HTTPS, where minio signs UNSIGNED-PAYLOAD): the server then still checks the bytes, and
 * buckets with Object Lock require one of the two. The same rule as minio's own uploads.
 */
export function integrityHeaders(client: Client, body: Buffer): Record<string, string | number> {
  return client.enableSHA256
    ? { 'Content-Length': body.length }
    : { 'Content-Length': body.length, 'Content-MD5': createHash('md5').update(body).digest('base64') };
}

async function putMultipart(
  target: S3UploadTarget,
  first: Buffer,
  second: Buffer,
  parts: AsyncIterator<Buffer>,
  digest: ByteDigest,
  options: ValidPutOptions,
): Promise<void> {
  const { client, bucket, key, store, logger } = target;
  const uploadId = await client.initiateNewMultipartUpload(bucket, key, objectHeaders(options)).catch((error: unknown) => {
    throw mapS3Error(store, error, key);
  });
  const etags: { part: number; etag: string }[] = [];
  const uploadPart = async (part: number, body: Buffer): Promise<void> => {
    // Over plain HTTP minio signs the part with its SHA-256, which the server checks.
    const headers = integrityHeaders(client, body);
    const result = await client.uploadPart({ bucketName: bucket, objectName: key, uploadID: uploadId, partNumber: part, headers }, body);
    etags.push({ part, etag: result.etag });
  };
  let completedEtag: string;
  try {
    await uploadPart(1, first).catch((error: unknown) => {
      throw mapS3Error(store, error, key);
    });
    let part = 2;
    let body = second;
    for (;;) {
      if (part > MAX_PARTS) throw new ObjectTooLargeError(key, MAX_PARTS * first.length);
      // Send this part while reading the next one: two parts in memory, network and source busy together.
      const sending = uploadPart(part, body).catch((error: unknown) => {
        throw mapS3Error(store, error, key);
      });
      const reading = parts.next();
      let next: IteratorResult<Buffer>;
      try {
        [, next] = await Promise.all([sending, reading]);
      } catch (error) {
        // Let an in-flight part settle first, or it could re-create a part after the abort.
        await sending.catch(() => undefined);
        throw error;
      }
      if (next.done === true) break;
      body = next.value;
      part += 1;
    }
    etags.sort((a, b) => a.part - b.part);
    ({ etag: completedEtag } = await client.completeMultipartUpload(bucket, key, uploadId, etags).catch((error: unknown) => {
      throw mapS3Error(store, error, key);
    }));
  } catch (error) {
    await client.abortMultipartUpload(bucket, key, uploadId).catch((abortError: unknown) => {
      // Not fatal: an incomplete upload is invisible; a bucket lifecycle rule
      // (AbortIncompleteMultipartUpload) reclaims its parts.
      logger.warn({ key, uploadId, err: abortError }, 'could not abort multipart upload');
    });
    throw error;
  }
  // The caller keeps the digest: no server-side copy of the whole object to attach it.
  if (!options.recordDigest) return;
  const { size, sha256 } = digest.result();
  if (size > MAX_SINGLE_COPY_BYTES) {
    logger.warn({ key, size, sha256 }, 'object over the 5 GiB copy limit: digest not recorded as metadata');
    return;
  }
  await recordDigest(target, completedEtag, sha256, options);
}

/**
 * User metadata of a multipart upload is fixed when it starts, before the digest is known, so it
 * is added afterwards by a server-side self-copy. The copy is conditional on the ETag we just
 * completed, so a concurrent overwrite never receives our digest. The object is complete either
 * way; if this step fails, head() reports the digest as unknown and the reconciler recomputes it.
 */
async function recordDigest(target: S3UploadTarget, etag: string, sha256: string, options: ValidPutOptions): Promise<void> {
  const { client, bucket, key, logger } = target;
  try {
    await client.copyObject(
      new CopySourceOptions({ Bucket: bucket, Object: key, MatchETag: etag }),
      new CopyDestinationOptions({
        Bucket: bucket,
        Object: key,
        MetadataDirective: 'REPLACE',
        UserMetadata: { ...options.metadata, [SHA256_METADATA_KEY]: sha256 },
        Headers: { 'Content-Type': options.contentType },
      }),
    );
  } catch (error) {
    logger.warn({ key, sha256, err: error }, 'object stored but its digest could not be recorded as metadata');
  }
}
