// Typed query-key values read from a header, normalised so that index columns compare the
// way DICOM matching needs (PS3.4 C.2.2.2): dates as YYYYMMDD, times as HHMMSS.FFFFFF.
import type { DataSet } from '@pacs/dicom';

/** The value as text (decoded, padding trimmed), null when absent or empty. */
export function text(ds: DataSet, tag: number): string | null {
  const v = ds.getString(tag);
  return v === undefined || v === '' ? null : v;
}

export function strings(ds: DataSet, tag: number): string[] | null {
  const v = ds.getStrings(tag);
  return v === undefined || v.length === 0 || v.every((s) => s === '') ? null : v;
}

/** PS3.5 §6.2 DA; the ACR-NEMA form "YYYY.MM.DD" is accepted. Anything else is null (the JSON keeps it). */
export function date(ds: DataSet, tag: number): string | null {
  const v = text(ds, tag);
  if (v === null) return null;
  if (/^\d{8}$/.test(v)) return v;
  if (/^\d{4}\.\d{2}\.\d{2}$/.test(v)) return v.replace(/\./g, '');
  return null;
}

/** PS3.5 §6.2 TM (HH, HHMM, HHMMSS, HHMMSS.F{1,6}); the ACR-NEMA form "HH:MM:SS" is accepted. */
export function time(ds: DataSet, tag: number): string | null {
  const v = text(ds, tag)?.replace(/:/g, '') ?? null;
  return v !== null && /^\d{2}(\d{2}(\d{2}(\.\d{1,6})?)?)?$/.test(v) ? v : null;
}

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/** IS (PS3.5 §6.2: a 32-bit signed integer) or a binary integer VR; null if absent or not one. */
export function integer(ds: DataSet, tag: number): number | null {
  const e = ds.get(tag);
  if (e?.kind !== 'value') return null;
  let n: number | undefined;
  if (e.vr === 'IS' || e.vr === 'DS') {
    const s = ds.getString(tag)?.split('\\')[0]?.trim() ?? '';
    n = /^[+-]?\d+$/.test(s) ? Number(s) : undefined;
  } else {
    n = ds.getNumber(tag);
  }
  return n !== undefined && Number.isInteger(n) && n >= INT32_MIN && n <= INT32_MAX ? n : null;
}

/** DS, first value; null if absent or not a finite number. */
export function decimal(ds: DataSet, tag: number): number | null {
  const s = ds.getString(tag)?.split('\\')[0]?.trim();
  if (!s) return null;
  const n = Number(s);
  return Number.isFinite(n) ? n : null;
}
