// New Study, Series and SOP Instance UIDs for a study copied by "modify" with newUids: the
// instance identities change, references between instances of the study follow (PS3.3 C.7.6.1,
// C.12.1: a SOP Instance UID identifies one instance only, so a changed copy gets a new one).
import { bytesToStrings, isValidUid, stringsToBytes, tagForKeyword, type DataSet } from '@pacs/dicom';
import type { UidMapping } from '../deidentify/uid-mapping';

const KEYWORDS = ['StudyInstanceUID', 'SeriesInstanceUID', 'SOPInstanceUID', 'ReferencedSOPInstanceUID'] as const;
const TAGS: ReadonlySet<number> = new Set(KEYWORDS.map((k) => tagForKeyword(k) as number));

/**
 * Replaces, at any depth, the Study, Series and SOP Instance UIDs (and Referenced SOP Instance
 * UIDs) that belong to the study (`ofStudy`) by their mapped values. UIDs of other studies
 * (a reference to a prior) stay as they are. Returns whether anything changed.
 */
export function remapStudyUids(ds: DataSet, uids: UidMapping, ofStudy: (uid: string) => boolean): boolean {
  let changed = false;
  for (const element of [...ds]) {
    if (element.kind === 'sequence') {
      for (const item of element.items) if (remapStudyUids(item.dataSet, uids, ofStudy)) changed = true;
      continue;
    }
    if (element.kind !== 'value' || !TAGS.has(element.tag >>> 0)) continue;
    const old = bytesToStrings(element.value, 'UI', []);
    const mapped = old.map((u) => (isValidUid(u) && ofStudy(u) ? uids(u) : u));
    if (mapped.every((u, i) => u === old[i])) continue;
    ds.set({ ...element, value: stringsToBytes(mapped, 'UI') });
    changed = true;
  }
  return changed;
}
