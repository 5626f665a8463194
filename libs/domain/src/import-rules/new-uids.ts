import { createHmac } from 'node:crypto';
import { bytesToStrings, isValidUid, stringsToBytes, tagForKeyword, type DataSet } from '@pacs/dicom';

/**
 * The UIDs that identify instances and their relations, remapped by newUids at any depth so
 * references inside the header (Referenced SOP Instance UID, Frame of Reference) stay
 * consistent with the remapped study. Class UIDs, transfer syntaxes and coding schemes are
 * not instance identities and keep their values.
 */
export const NEW_UIDS_KEYWORDS = [
  'StudyInstanceUID', 'SeriesInstanceUID', 'SOPInstanceUID', 'ReferencedSOPInstanceUID',
  'FrameOfReferenceUID', 'ReferencedFrameOfReferenceUID', 'RelatedFrameOfReferenceUID',
  'SynchronizationFrameOfReferenceUID', 'IrradiationEventUID', 'ConcatenationUID',
  'DimensionOrganizationUID', 'InstanceCreatorUID', 'StorageMediaFileSetUID', 'DoseReferenceUID',
  'FiducialUID', 'TargetUID', 'ReferencedGeneralPurposeScheduledProcedureStepTransactionUID',
  'TransactionUID', 'MultiFrameSourceSOPInstanceUID',
] as const;

export const NEW_UIDS_TAGS: ReadonlySet<number> = new Set(
  NEW_UIDS_KEYWORDS.map((k) => tagForKeyword(k)).filter((t): t is number => t !== undefined),
);

/**
 * PS3.5 §B.2: "2.25." and a UUID as a decimal integer. The UUID is derived (RFC 9562 version 8)
 * from HMAC-SHA-256(secret, original UID): every pod maps an original UID the same way without
 * sharing state, and without the secret the original cannot be found by hashing guesses.
 */
export function remappedUid(secret: string, uid: string): string {
  const bytes = Buffer.from(createHmac('sha256', secret).update(uid).digest().subarray(0, 16));
  bytes[6] = ((bytes[6] as number) & 0x0f) | 0x80;
  bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80;
  return `2.25.${BigInt(`0x${bytes.toString('hex')}`).toString()}`;
}

/**
 * Replaces the instance UIDs of `ds` (and of every sequence item in it) with their remapped
 * values; returns the top-level tags whose element changed.
 */
export function remapUids(ds: DataSet, secret: string, except: ReadonlySet<number>): number[] {
  const changed: number[] = [];
  for (const element of [...ds]) {
    const tag = element.tag >>> 0;
    if (element.kind === 'sequence') {
      let nested = false;
      for (const item of element.items) if (remapUids(item.dataSet, secret, except).length > 0) nested = true;
      if (nested) changed.push(tag);
      continue;
    }
    if (element.kind !== 'value' || !NEW_UIDS_TAGS.has(tag) || except.has(tag)) continue;
    const uids = bytesToStrings(element.value, 'UI', []);
    if (uids.length === 0) continue;
    const mapped = uids.map((u) => (isValidUid(u) ? remappedUid(secret, u) : u));
    if (mapped.every((u, i) => u === uids[i])) continue;
    ds.set({ kind: 'value', tag, vr: element.vr, value: stringsToBytes(mapped, 'UI') });
    changed.push(tag);
  }
  return changed;
}
