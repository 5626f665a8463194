import { formatTag } from './tag-format';

export type DicomParseReason =
  | 'truncated'
  | 'length-beyond-end'
  | 'undefined-length-not-allowed'
  | 'unexpected-tag'
  | 'too-deep'
  | 'inflate'
  | 'invalid-file-meta';

/** Malformed or truncated DICOM input; `offset` is the byte offset in the input where it was seen. */
export class DicomParseError extends Error {
  override readonly name = 'DicomParseError';
  constructor(
    readonly reason: DicomParseReason,
    message: string,
    readonly offset: number,
    readonly tag?: number,
    /** For 'truncated': the input length needed to go on (relative to the same origin as offset). */
    readonly needed?: number,
  ) {
    super(`${message} at offset ${offset}${tag === undefined ? '' : ` in ${formatTag(tag)}`}`);
  }
}

/** A value that cannot be encoded as asked (wrong VR for the value, unsupported charset). */
export class DicomEncodeError extends Error {
  override readonly name = 'DicomEncodeError';
  constructor(message: string, readonly tag?: number) {
    super(tag === undefined ? message : `${message} (${formatTag(tag)})`);
  }
}
