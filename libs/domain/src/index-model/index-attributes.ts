// The attributes each index row keeps as DICOM JSON (PS3.18 §F.2) for Q/R return keys.
// Values longer than a limit are left out with their length, so one large private blob or
// embedded document cannot bloat every row; the object in storage still holds them.
import { elementToDicomJson, jsonKey, type DataElement, type DataSet, type DicomJsonAttribute } from '@pacs/dicom';

export const DEFAULT_MAX_INDEXED_VALUE_LENGTH = 4096;

/** A value not kept in the index: its VR and its length in bytes. Not part of PS3.18; read back as empty. */
export interface OmittedValue {
  vr: string;
  OmittedLength: number;
}

export type IndexedAttribute = DicomJsonAttribute | OmittedValue;
export type IndexAttributes = Record<string, IndexedAttribute>;

export function isOmittedValue(attribute: IndexedAttribute): attribute is OmittedValue {
  return 'OmittedLength' in attribute;
}

/** Command (0000) and file meta (0002) groups, and group lengths, describe an encoding, not the instance. */
function isEncodingArtefact(tag: number): boolean {
  const group = tag >>> 16;
  return group === 0x0000 || group === 0x0002 || (tag & 0xffff) === 0x0000;
}

/** Bytes the element takes in Explicit VR Little Endian, sequences with undefined lengths. */
export function encodedLength(element: DataElement): number {
  switch (element.kind) {
    case 'value':
      return element.value.length;
    case 'encapsulated':
      return element.fragments.reduce((n, f) => n + 8 + f.length, 8);
    case 'sequence':
      return element.items.reduce((n, item) => {
        let itemLength = 16;
        for (const e of item.dataSet) itemLength += 12 + encodedLength(e);
        return n + itemLength;
      }, 8);
  }
}

export function indexAttributes(header: DataSet, include: (tag: number) => boolean, maxValueLength: number): IndexAttributes {
  const out: IndexAttributes = {};
  for (const element of header) {
    if (isEncodingArtefact(element.tag) || !include(element.tag)) continue;
    const length = encodedLength(element);
    out[jsonKey(element.tag)] = length > maxValueLength
      ? { vr: element.kind === 'sequence' ? 'SQ' : element.vr, OmittedLength: length }
      : elementToDicomJson(element, header);
  }
  return out;
}
