// PS3.4 C.2.2.2.5 range matching of DA, TM and DT. Values are compared as text in a fixed-width
// form: dates YYYYMMDD, times HHMMSS.FFFFFF, date-times YYYYMMDDHHMMSS.FFFFFF (offset dropped).
// A stored value is padded with zeros; a lower bound likewise, an upper bound with nines, so
// "1200" as upper bound takes in 12:00:59.9 and "2024" as DT upper bound the whole year.
import { QueryIdentifierError, UNABLE_TO_PROCESS } from './query-errors';

export type RangeVr = 'DA' | 'TM' | 'DT';

export interface RangeBounds {
  lower: string | undefined;
  upper: string | undefined;
}

const DA = /^\d{8}$/;
const DA_ACR_NEMA = /^\d{4}\.\d{2}\.\d{2}$/;
const TM = /^\d{2}(\d{2}(\d{2}(\.\d{1,6})?)?)?$/;
const DT = /^(\d{4}(?:\d{2}(?:\d{2}(?:\d{2}(?:\d{2}(?:\d{2}(?:\.\d{1,6})?)?)?)?)?)?)([+-]\d{4})?$/;

/** "-HHMM" after a date-time is its offset from UTC (at most 14 hours), not a range. */
const UTC_OFFSET = /^(0\d|1[0-4])[0-5]\d$/;

/** Width of the whole-number part of each form. */
const WHOLE = { TM: 6, DT: 14 } as const;
const FRACTION = 6;

export function isRangeVr(vr: string): vr is RangeVr {
  return vr === 'DA' || vr === 'TM' || vr === 'DT';
}

function fixedWidth(whole: string, fraction: string, width: number, pad: '0' | '9'): string {
  return `${whole.padEnd(width, pad)}.${fraction.padEnd(FRACTION, pad)}`;
}

/** The comparable form of a stored TM (HHMMSS.FFFFFF); the SQL adapter computes the same. */
export function comparableTime(stored: string): string {
  const [whole = '', fraction = ''] = stored.replace(/:/g, '').split('.');
  return fixedWidth(whole, fraction, WHOLE.TM, '0');
}

/** The comparable form of a stored DT (YYYYMMDDHHMMSS.FFFFFF), its UTC offset ignored. */
export function comparableDateTime(stored: string): string {
  const whole = /^\d*/.exec(stored)?.[0] ?? '';
  const fraction = /^\d*\.(\d*)/.exec(stored)?.[1] ?? '';
  return fixedWidth(whole, fraction, WHOLE.DT, '0');
}

/** A date as YYYYMMDD (the ACR-NEMA form YYYY.MM.DD accepted), or undefined. */
export function normaliseDate(value: string): string | undefined {
  if (DA.test(value)) return value;
  if (DA_ACR_NEMA.test(value)) return value.replace(/\./g, '');
  return undefined;
}

function bound(vr: RangeVr, value: string, side: 'lower' | 'upper', tag: number): string {
  const pad = side === 'lower' ? '0' : '9';
  const invalid = (): QueryIdentifierError =>
    new QueryIdentifierError(UNABLE_TO_PROCESS, `${JSON.stringify(value)} is not a valid ${vr} range bound`, [tag]);
  if (vr === 'DA') {
    const date = normaliseDate(value);
    if (!date) throw invalid();
    return date;
  }
  if (vr === 'TM') {
    const v = value.replace(/:/g, '');
    if (!TM.test(v)) throw invalid();
    const [whole = '', fraction = ''] = v.split('.');
    return fixedWidth(whole, fraction, WHOLE.TM, pad);
  }
  const m = DT.exec(value);
  if (!m) throw invalid();
  const [whole = '', fraction = ''] = (m[1] ?? '').split('.');
  return fixedWidth(whole, fraction, WHOLE.DT, pad);
}

/**
 * The bounds of a range value "A-B", "-B" or "A-" (C.2.2.2.5), or of a single TM/DT value,
 * which matches every stored value within its precision ("1015" matches 10:15:00 to 10:15:59).
 * A single DA value is single value matching and not handled here.
 */
export function rangeBounds(vr: RangeVr, value: string, tag: number): RangeBounds {
  const parts = splitRange(vr, value);
  if (!parts) {
    return { lower: bound(vr, value, 'lower', tag), upper: bound(vr, value, 'upper', tag) };
  }
  const [from, to] = parts;
  if (from === '' && to === '') throw new QueryIdentifierError(UNABLE_TO_PROCESS, `"-" is not a ${vr} range`, [tag]);
  const lower = from === '' ? undefined : bound(vr, from, 'lower', tag);
  const upper = to === '' ? undefined : bound(vr, to, 'upper', tag);
  // A TM range may run past midnight when combined with dates (C.2.2.2.5.1); alone it matches nothing.
  if (vr !== 'TM' && lower !== undefined && upper !== undefined && lower > upper) {
    throw new QueryIdentifierError(UNABLE_TO_PROCESS, `${vr} range ${JSON.stringify(value)} ends before it starts`, [tag]);
  }
  return { lower, upper };
}

export function isRange(vr: RangeVr, value: string): boolean {
  return splitRange(vr, value) !== undefined;
}

/** The two sides of a range; a DT's "-HHMM" UTC offset is not taken for the range hyphen. */
function splitRange(vr: RangeVr, value: string): [string, string] | undefined {
  if (vr !== 'DT') {
    const i = value.indexOf('-');
    return i < 0 ? undefined : [value.slice(0, i), value.slice(i + 1)];
  }
  for (let i = value.indexOf('-'); i >= 0; i = value.indexOf('-', i + 1)) {
    const from = value.slice(0, i);
    const to = value.slice(i + 1);
    if ((from === '' || DT.test(from)) && (to === '' || DT.test(to)) && !(from !== '' && UTC_OFFSET.test(to))) return [from, to];
  }
  return undefined;
}

/** Full-day bounds in the combined form when only the date side is given. */
export const START_OF_DAY = fixedWidth('', '', WHOLE.TM, '0');
export const END_OF_DAY = fixedWidth('', '', WHOLE.TM, '9');
