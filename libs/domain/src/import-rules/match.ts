import { vrInfo, type DataSet } from '@pacs/dicom';
import type { CompiledMatch } from './compiled';
import type { ImportContext } from './import-rule';

const MODALITY = 0x00080060;

/** An attribute's value as rules compare it: text without padding, numbers backslash-joined. */
export function attributeText(ds: DataSet, tag: number): string | undefined {
  const element = ds.get(tag);
  if (element?.kind !== 'value') return undefined;
  const info = vrInfo(element.vr);
  if (info.kind === 'string') return ds.getString(tag);
  if (info.valueSize > 0) return ds.getNumbers(tag)?.join('\\');
  return undefined;
}

/** Whether a rule applies to this object: every criterion given must hold (AE titles compare trimmed, PS3.5 §6.2 AE). */
export function matchesRule(match: CompiledMatch, ctx: ImportContext, ds: DataSet): boolean {
  if (match.calledAe && !match.calledAe.test(ctx.calledAe.trim())) return false;
  if (match.callingAe && !match.callingAe.test(ctx.callingAe.trim())) return false;
  if (match.modality) {
    const modality = ds.getString(MODALITY) ?? '';
    if (!match.modality.some((re) => re.test(modality))) return false;
  }
  if (match.sopClassUids && !match.sopClassUids.has(ctx.sopClassUid)) return false;
  return match.attributes.every((c) => c.test(attributeText(ds, c.tag), ds.has(c.tag)));
}
