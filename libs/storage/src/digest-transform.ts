import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { ObjectSourceError } from './errors';

export interface ObjectDigest {
  size: number;
  sha256: string;
}

/**
 * Passes bytes through unchanged while counting them and hashing them with SHA-256, and fails
 * the stream as soon as a declared size is exceeded or, at the end, not reached.
 */
export class DigestTransform extends Transform {
  private readonly hash: Hash = createHash('sha256');
  private bytes = 0;
  private digestHex: string | undefined;

  constructor(
    private readonly key: string,
    private readonly declaredSize: number | undefined,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.declaredSize !== undefined && this.bytes > this.declaredSize) {
      callback(this.mismatch());
      return;
    }
    this.hash.update(chunk);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    if (this.declaredSize !== undefined && this.bytes !== this.declaredSize) {
      callback(this.mismatch());
      return;
    }
    this.digestHex = this.hash.digest('hex');
    callback();
  }

  /** Size and digest of everything that passed; only available once the source has ended. */
  result(): ObjectDigest {
    if (this.digestHex === undefined) throw new Error('DigestTransform.result() called before the stream ended');
    return { size: this.bytes, sha256: this.digestHex };
  }

  private mismatch(): ObjectSourceError {
    return new ObjectSourceError(
      this.key,
      'size-mismatch',
      `declared ${this.declaredSize} bytes, source delivered ${this.bytes}${this.writableEnded ? '' : ' or more'}`,
    );
  }
}
