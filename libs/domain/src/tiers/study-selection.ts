// Which studies leave a tier that holds more than its threshold (nightly move, threshold
// cleanup): the least recently received first, until what stays is at or below the threshold.

export interface StudyOnTier {
  studyInstanceUid: string;
  /** Bytes of this study's copies on the tier. */
  bytes: number;
}

/** `candidates` ordered least recently received first; returns the prefix to remove. */
export function studiesToRelease<T extends StudyOnTier>(candidates: readonly T[], usedBytes: number, thresholdBytes: number): T[] {
  const chosen: T[] = [];
  let remaining = usedBytes;
  for (const study of candidates) {
    if (remaining <= thresholdBytes) break;
    chosen.push(study);
    remaining -= study.bytes;
  }
  return chosen;
}
