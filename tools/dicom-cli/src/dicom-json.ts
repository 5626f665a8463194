// PS3.18 Annex F.2 DICOM JSON model, for printing matches one per line.
import { formatTag, type DataElement, type DataSet } from '@pacs/dicom';

const NUMBER_VRS = new Set(['US', 'SS', 'UL', 'SL', 'FL', 'FD', 'UV', 'SV', 'DS', 'IS']);
const BINARY_VRS = new Set(['OB', 'OW', 'OF', 'OD', 'OL', 'OV', 'UN']);

type JsonAttribute = { vr: string; Value?: unknown[]; InlineBinary?: string };

function jsonKey(tag: number): string {
  return formatTag(tag).replace(/[(),]/g, '').toUpperCase();
}

function valueOf(ds: DataSet, element: DataElement): JsonAttribute {
  const vr = element.vr;
  if (element.kind === 'sequence') {
    const items = element.items.map((i) => toDicomJson(i.dataSet));
    return items.length > 0 ? { vr, Value: items } : { vr };
  }
  if (element.kind === 'encapsulated') return { vr, InlineBinary: Buffer.concat(element.fragments).toString('base64') };
  if (element.value.length === 0) return { vr };
  if (BINARY_VRS.has(vr)) return { vr, InlineBinary: element.value.toString('base64') };
  if (vr === 'AT') return { vr, Value: (ds.getNumbers(element.tag) ?? []).map((t) => jsonKey(t)) };
  if (NUMBER_VRS.has(vr)) return { vr, Value: ds.getNumbers(element.tag) ?? [] };
  const strings = ds.getStrings(element.tag) ?? [];
  if (vr === 'PN') {
    return {
      vr,
      Value: strings.map((s) => {
        const [alphabetic, ideographic, phonetic] = s.split('=');
        return { Alphabetic: alphabetic, Ideographic: ideographic || undefined, Phonetic: phonetic || undefined };
      }),
    };
  }
  return { vr, Value: strings };
}

export function toDicomJson(ds: DataSet): Record<string, JsonAttribute> {
  const out: Record<string, JsonAttribute> = {};
  for (const element of ds) out[jsonKey(element.tag)] = valueOf(ds, element);
  return out;
}
