import { createHash, type Hash } from 'node:crypto';
import { ObjectSourceError } from './errors';

export interface ObjectDigest {
  size: number;
  sha256: string;
}

/**
 * Counts and hashes (SHA-256) the bytes of an object as they pass, and fails as soon as a
 * declared size is exceeded or, at the end, not reached.
 */
export class ByteDigest {
  private readonly hash: Hash = createHash('sha256');
  private bytes = 0;
  private digestHex: string | undefined;

  constructor(
    private readonly key: string,
    private readonly declaredSize: number | undefined,
  ) {}

  update(chunk: Buffer): void {
    this.bytes += chunk.length;
    if (this.declaredSize !== undefined && this.bytes > this.declaredSize) throw this.mismatch(false);
    this.hash.update(chunk);
  }

  finish(): void {
    if (this.declaredSize !== undefined && this.bytes !== this.declaredSize) throw this.mismatch(true);
    this.digestHex = this.hash.digest('hex');
  }

  /** Size and digest of everything that passed; only available once the source has ended. */
  result(): ObjectDigest {
    if (this.digestHex === undefined) throw new Error('ByteDigest.result() called before the source ended');
    return { size: this.bytes, sha256: this.digestHex };
  }

  private mismatch(ended: boolean): ObjectSourceError {
    return new ObjectSourceError(this.key, 'size-mismatch', `declared ${this.declaredSize} bytes, source delivered ${this.bytes}${ended ? '' : ' or more'}`);
  }
}

/**
 * The source's chunks, unchanged, through `digest`. Plain iteration instead of stream.pipeline:
 * the pipeline's AbortController and the DOMException it creates on every finish cost more than
 * a small object's write. Leaving the loop early (a failed write) destroys the source.
 */
export async function* digested(source: AsyncIterable<Buffer>, digest: ByteDigest): AsyncGenerator<Buffer> {
  for await (const chunk of source) {
    digest.update(chunk);
    yield chunk;
  }
  digest.finish();
}
