// PS3.5 §6.1 and PS3.3 C.12.1.1.2: values of (0008,0005) Specific Character Set.
import { DicomEncodeError } from '../errors';

/** Splits (0008,0005) into its values; an empty first value means the default repertoire. */
export function parseSpecificCharacterSet(value: string | undefined): string[] {
  if (value === undefined) return [];
  const values = value.split('\\').map((v) => v.trim());
  return values.length === 1 && values[0] === '' ? [] : values;
}

/** Single-byte character sets without code extensions (PS3.3 Table C.12-2) and their WHATWG labels. */
const SINGLE_BYTE: Readonly<Record<string, string>> = {
  'ISO_IR 100': 'latin1',
  'ISO_IR 101': 'iso-8859-2',
  'ISO_IR 109': 'iso-8859-3',
  'ISO_IR 110': 'iso-8859-4',
  'ISO_IR 144': 'iso-8859-5',
  'ISO_IR 127': 'iso-8859-6',
  'ISO_IR 126': 'iso-8859-7',
  'ISO_IR 138': 'iso-8859-8',
  'ISO_IR 148': 'iso-8859-9',
  'ISO_IR 203': 'iso-8859-15',
  'ISO_IR 166': 'windows-874',
};

export class UnsupportedCharacterSetError extends DicomEncodeError {
  constructor(readonly specificCharacterSet: readonly string[], reason: string) {
    super(`cannot encode for Specific Character Set "${specificCharacterSet.join('\\')}": ${reason}`);
  }
}

const encodeTables = new Map<string, Map<number, number>>();

/** Code point -> byte for the G1 half (0xA0-0xFF) of an ISO 8859 part, built once from the decoder. */
function g1Table(term: string, label: string): Map<number, number> {
  let table = encodeTables.get(term);
  if (!table) {
    table = new Map();
    const decoder = new TextDecoder(label);
    for (let b = 0xa0; b <= 0xff; b++) {
      const ch = decoder.decode(Uint8Array.of(b));
      if (ch !== '\ufffd') table.set(ch.codePointAt(0) ?? 0, b);
    }
    encodeTables.set(term, table);
  }
  return table;
}

/**
 * Encodes text for ISO_IR 192 (UTF-8), the default repertoire and the single-byte sets of
 * PS3.3 Table C.12-2 (incl. ISO_IR 13 katakana). Code-extension (ISO 2022) encoding is not done
 * here: DICOM text we create is UTF-8.
 */
export function encodeText(text: string, specificCharacterSet: readonly string[]): Buffer {
  const term = specificCharacterSet[0] ?? '';
  if (specificCharacterSet.length > 1) {
    throw new UnsupportedCharacterSetError(specificCharacterSet, 'ISO 2022 code extensions are decoded only');
  }
  if (term === 'ISO_IR 192') return Buffer.from(text, 'utf8');
  const out = Buffer.allocUnsafe(text.length);
  let n = 0;
  const label = SINGLE_BYTE[term];
  const table = label ? g1Table(term, label) : undefined;
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    const mapped = table?.get(cp);
    if (cp < 0x80) out[n++] = cp;
    else if (mapped !== undefined) out[n++] = mapped;
    else if ((term === 'ISO_IR 13' || term === 'ISO 2022 IR 13') && cp >= 0xff61 && cp <= 0xff9f) out[n++] = cp - 0xff61 + 0xa1;
    else throw new UnsupportedCharacterSetError(specificCharacterSet, `character U+${cp.toString(16).toUpperCase().padStart(4, '0')} not in the repertoire`);
  }
  return out.subarray(0, n);
}

export function isSingleByteCharacterSet(term: string): boolean {
  return term === '' || term === 'ISO_IR 6' || term === 'ISO_IR 13' || term in SINGLE_BYTE;
}
