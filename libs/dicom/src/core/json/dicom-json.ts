// PS3.18 §F.2 DICOM JSON Model: one object per data set, keyed by the tag as eight upper-case
// hex digits, each attribute {"vr", "Value" | "InlineBinary" | "BulkDataURI"}.

/** PS3.18 §F.2.2: a PN value, one string per component group present. */
export interface DicomJsonPersonName {
  Alphabetic?: string;
  Ideographic?: string;
  Phonetic?: string;
}

/** A string, a number, a PN object, an item (SQ) or null for an empty value of a multi-valued attribute. */
export type DicomJsonValue = string | number | DicomJsonPersonName | DicomJson | null;

export interface DicomJsonAttribute {
  vr: string;
  /** Absent when the attribute has no value (PS3.18 §F.2.5). */
  Value?: DicomJsonValue[];
  /** Base64 of the little-endian value bytes (OB, OD, OF, OL, OV, OW, UN). */
  InlineBinary?: string;
  BulkDataURI?: string;
}

export interface DicomJson {
  [tag: string]: DicomJsonAttribute;
}

export type DicomJsonErrorReason = 'invalid-tag' | 'invalid-vr' | 'invalid-value' | 'unresolved-bulk-data';

/** A DICOM JSON object that cannot become a data set; `key` is the offending "GGGGEEEE" key. */
export class DicomJsonError extends Error {
  override readonly name = 'DicomJsonError';
  constructor(
    readonly reason: DicomJsonErrorReason,
    readonly key: string,
    message: string,
  ) {
    super(`${key}: ${message}`);
  }
}

/** Keys made so far: a data set's tags recur in every instance. Bounded, as private tags are open-ended. */
const JSON_KEYS = new Map<number, string>();
const JSON_KEYS_MAX = 8192;

/** "GGGGEEEE", the PS3.18 §F.2.1.1 form of a tag. */
export function jsonKey(tag: number): string {
  const known = JSON_KEYS.get(tag);
  if (known !== undefined) return known;
  const key = (tag >>> 0).toString(16).toUpperCase().padStart(8, '0');
  if (JSON_KEYS.size < JSON_KEYS_MAX) JSON_KEYS.set(tag, key);
  return key;
}
