// PS3.5 §6.2 Value Representations and §7.1.2 explicit-VR header forms.

export type Vr =
  | 'AE' | 'AS' | 'AT' | 'CS' | 'DA' | 'DS' | 'DT' | 'FD' | 'FL' | 'IS' | 'LO' | 'LT'
  | 'OB' | 'OD' | 'OF' | 'OL' | 'OV' | 'OW' | 'PN' | 'SH' | 'SL' | 'SQ' | 'SS' | 'ST'
  | 'SV' | 'TM' | 'UC' | 'UI' | 'UL' | 'UN' | 'UR' | 'US' | 'UT' | 'UV';

export interface VrInfo {
  /** Size of the length field in explicit VR: 2, or 4 (after two reserved bytes). */
  readonly explicitLengthSize: 2 | 4;
  /** Byte appended to make an odd-length value even (PS3.5 §6.2). */
  readonly padding: number;
  readonly kind: 'string' | 'binary' | 'sequence';
  /** Unit swapped when converting to/from big endian (1 = no swap). */
  readonly swapUnit: 1 | 2 | 4 | 8;
  /** Whether backslash separates values (false for LT, ST, UT, UR). */
  readonly multiValued: boolean;
  /** Whether (0008,0005) applies (PS3.5 §6.1.2.3): SH, LO, UC, ST, LT, UT, PN. */
  readonly usesSpecificCharacterSet: boolean;
  /** Fixed size of one binary value, 0 for variable (strings, OB, UN, SQ). */
  readonly valueSize: number;
}

const SP = 0x20;
const NUL = 0x00;

function str(explicitLengthSize: 2 | 4, multiValued: boolean, usesSpecificCharacterSet: boolean, padding = SP): VrInfo {
  return { explicitLengthSize, padding, kind: 'string', swapUnit: 1, multiValued, usesSpecificCharacterSet, valueSize: 0 };
}
function bin(explicitLengthSize: 2 | 4, swapUnit: 1 | 2 | 4 | 8, valueSize: number): VrInfo {
  return { explicitLengthSize, padding: NUL, kind: 'binary', swapUnit, multiValued: true, usesSpecificCharacterSet: false, valueSize };
}

export const VR_INFO: Readonly<Record<Vr, VrInfo>> = {
  AE: str(2, true, false),
  AS: str(2, true, false),
  AT: bin(2, 2, 4),
  CS: str(2, true, false),
  DA: str(2, true, false),
  DS: str(2, true, false),
  DT: str(2, true, false),
  FD: bin(2, 8, 8),
  FL: bin(2, 4, 4),
  IS: str(2, true, false),
  LO: str(2, true, true),
  LT: str(2, false, true),
  OB: bin(4, 1, 1),
  OD: bin(4, 8, 8),
  OF: bin(4, 4, 4),
  OL: bin(4, 4, 4),
  OV: bin(4, 8, 8),
  OW: bin(4, 2, 2),
  PN: str(2, true, true),
  SH: str(2, true, true),
  SL: bin(2, 4, 4),
  SQ: { explicitLengthSize: 4, padding: NUL, kind: 'sequence', swapUnit: 1, multiValued: false, usesSpecificCharacterSet: false, valueSize: 0 },
  SS: bin(2, 2, 2),
  ST: str(2, false, true),
  SV: bin(4, 8, 8),
  TM: str(2, true, false),
  UC: str(4, true, true),
  UI: str(2, true, false, NUL),
  UL: bin(2, 4, 4),
  UN: bin(4, 1, 1),
  UR: str(4, false, false),
  US: bin(2, 2, 2),
  UT: str(4, false, true),
  UV: bin(4, 8, 8),
};

/**
 * Info for a VR code as found on the wire. Unknown codes get the 4-byte length form because
 * PS3.5 §6.2 commits every VR added after 2007 to it, and are treated as opaque bytes.
 */
export const UNKNOWN_VR_INFO: VrInfo = bin(4, 1, 1);

/** Known VRs by their two bytes on the wire (first byte high). */
const VR_BY_BYTES = new Map<number, Vr>((Object.keys(VR_INFO) as Vr[]).map((vr) => [(vr.charCodeAt(0) << 8) | vr.charCodeAt(1), vr]));

/**
 * The VR code of an explicit VR element header at `pos`: a known VR as its constant string, so a
 * parse makes no string per element and later lookups by it are fast; any other code as read.
 */
export function vrAt(bytes: Uint8Array, pos: number): string {
  const first = bytes[pos] ?? 0;
  const second = bytes[pos + 1] ?? 0;
  return VR_BY_BYTES.get((first << 8) | second) ?? String.fromCharCode(first, second);
}

/** VR_INFO as a Map: asked for every element parsed, written and converted. */
const VR_INFO_BY_CODE: ReadonlyMap<string, VrInfo> = new Map(Object.entries(VR_INFO));

export function isVr(code: string): code is Vr {
  return VR_INFO_BY_CODE.has(code);
}

export function vrInfo(code: string): VrInfo {
  return VR_INFO_BY_CODE.get(code) ?? UNKNOWN_VR_INFO;
}

/** PS3.5 §6.2: leading spaces are insignificant for these VRs, trailing for all strings. */
export const LEADING_SPACE_INSIGNIFICANT: ReadonlySet<string> = new Set(['AE', 'CS', 'DS', 'IS', 'LO', 'SH']);
