// PS3.5 §6.1.2.5 and Annexes H, I, J, K: decoding text values under (0008,0005).
import { convertBytes } from 'dicom-character-set';

function isPlainAscii(bytes: Uint8Array): boolean {
  for (const b of bytes) if (b >= 0x80 || b === 0x1b) return false;
  return true;
}

/**
 * Decodes a text value. `vr` tells which delimiters reset ISO 2022 code elements (PS3.5
 * §6.1.2.5.3: "^" and "=" for PN, "\\" for multi-valued VRs). ASCII-only values, the common
 * case, skip the library. ISO_IR 100 uses true ISO 8859-1 rather than the WHATWG windows-1252.
 */
export function decodeText(bytes: Uint8Array, specificCharacterSet: readonly string[], vr: string): string {
  if (isPlainAscii(bytes)) return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  if (specificCharacterSet.length === 1 && specificCharacterSet[0] === 'ISO_IR 100') {
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  }
  const joined = specificCharacterSet.length === 0 ? undefined : specificCharacterSet.join('\\');
  try {
    return convertBytes(joined, bytes, { vr });
  } catch {
    // A stray or unknown escape sequence must not make the whole value unreadable: fall back
    // to the first character set alone, as DCMTK does when it meets an unknown escape.
    try {
      return convertBytes(specificCharacterSet[0] || undefined, bytes, { vr });
    } catch {
      return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
    }
  }
}
