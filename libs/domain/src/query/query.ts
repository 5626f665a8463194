// A C-FIND request as the index answers it: the model, the level, and per key the matching
// type of PS3.4 C.2.2.2 with its value already normalised for comparison.
import type { IndexLevel } from '../index-model';
import type { QueryLevel, QueryModelName } from './query-model';

/**
 * PS3.4 C.2.2.2. Text values are Unicode (decoded under the request's (0008,0005)).
 * - single (C.2.2.2.1): equal; PN values are upper-cased when matching is case-insensitive.
 * - wildcard (C.2.2.2.4): `*` any run, `?` one character; other characters literal.
 * - list (C.2.2.2.2 List of UID matching, and multi-valued keys): equal to any value.
 * - range (C.2.2.2.5): bounds in the comparable form of rangeBounds(), either may be absent; a
 *   single TM or DT value is the range of its precision (`singleValue`).
 * - empty (C.2.2.2.1.1, value `""`): the attribute is absent or empty.
 * - sequence (C.2.2.2.6): some item of the stored sequence matches every key of the one item given.
 */
export type Matcher =
  | { type: 'single'; value: string }
  | { type: 'wildcard'; pattern: string }
  | { type: 'list'; values: string[] }
  | { type: 'range'; lower: string | undefined; upper: string | undefined; singleValue?: true }
  | { type: 'empty' }
  | { type: 'sequence'; item: KeyCondition[] };

export interface KeyCondition {
  tag: number;
  vr: string;
  /** The entity the attribute is stored with (for a sequence item key, the sequence's). */
  entity: IndexLevel;
  matcher: Matcher;
  /** PN matched without regard to case: value and stored text compared upper-cased. */
  caseInsensitive: boolean;
}

/**
 * C.2.2.2.5.1: a date key and its time key matched as one date-time range (only when the
 * SCU negotiated combined date-time matching). Bounds are "YYYYMMDD" + "HHMMSS.FFFFFF".
 */
export interface DateTimeRangeCondition {
  dateTag: number;
  timeTag: number;
  entity: IndexLevel;
  lower: string | undefined;
  upper: string | undefined;
}

/** A requested attribute; `item` lists the requested keys of a sequence's items (undefined: whole items). */
export interface ReturnKey {
  tag: number;
  vr: string;
  item?: ReturnKey[];
}

export interface FindQuery {
  model: QueryModelName;
  level: QueryLevel;
  /** Keys that select: every one must match (universal keys are left out). */
  conditions: KeyCondition[];
  dateTimeRanges: DateTimeRangeCondition[];
  /** Every attribute to answer, in the order requested. */
  returnKeys: ReturnKey[];
  /** Keys with a matching value this SCP cannot match: pending responses carry 0xFF01 (PS3.4 C.4.1.1.4). */
  unsupportedKeys: number[];
  /** (0008,0005) of the request, as given. */
  specificCharacterSet: readonly string[];
}

export interface QueryOptions {
  /** PN matching ignores case (PS3.4 C.2.2.2.1 allows it). */
  caseInsensitivePn: boolean;
  /** Relational queries were negotiated (PS3.4 C.4.1.2.2.2): unique keys above the level may be left out. */
  relational: boolean;
  /** Combined date-time range matching was negotiated (PS3.4 C.2.2.2.5.1). */
  combinedDateTime: boolean;
}

/** Values of the computed keys for one match; present when requested. */
export interface ComputedValues {
  numberOfPatientRelatedStudies?: number;
  numberOfPatientRelatedSeries?: number;
  numberOfPatientRelatedInstances?: number;
  numberOfStudyRelatedSeries?: number;
  numberOfStudyRelatedInstances?: number;
  numberOfSeriesRelatedInstances?: number;
  modalitiesInStudy?: string[];
  sopClassesInStudy?: string[];
}

/** One matching entity as the index returns it: the stored attributes of its level and those above. */
export interface QueryMatch {
  attributes: Partial<Record<IndexLevel, Record<string, unknown>>>;
  computed: ComputedValues;
}
