// Import rules, the modern form of Conquest's ImportConverters: per incoming object, matched on
// called/calling AE, modality, SOP class and attribute values, then set/delete/copy attributes,
// new UIDs, reject, or choose a storage tier. This is the configuration shape (the config
// schema in @pacs/platform validates it field by field); compileImportRules() checks meaning.

/** One attribute test; exactly one of equals, matches, present. */
export interface AttributeConditionConfig {
  /** "00081010", "(0008,1010)", "0008,1010" or a keyword such as "StationName". */
  tag: string;
  /** The value (padding trimmed, multiple values backslash-joined) equals this string. */
  equals?: string | undefined;
  /** ECMAScript regular expression tested against the value. */
  matches?: string | undefined;
  /** The attribute is (true) or is not (false) in the data set. */
  present?: boolean | undefined;
}

/** Every given criterion must hold; lists hold when one entry does. Absent = any. */
export interface ImportMatchConfig {
  /** AE title pattern, * and ? wildcards (Conquest ImportCalledAE). */
  calledAe?: string | undefined;
  /** AE title pattern, * and ? wildcards (Conquest ImportCallingAE). */
  callingAe?: string | undefined;
  /** Modality (0008,0060) pattern(s), * and ? wildcards; "" matches only an empty modality. */
  modality?: string | string[] | undefined;
  sopClassUids?: string[] | undefined;
  attributes?: AttributeConditionConfig[] | undefined;
}

export type SetValue = string | number | ReadonlyArray<string | number>;

export type ImportActionConfig =
  | { action: 'set'; tag: string; vr?: string | undefined; value: SetValue }
  | { action: 'delete'; tag: string }
  | { action: 'copy'; from: string; to: string }
  | { action: 'newUids'; except?: string[] | undefined }
  | { action: 'reject'; status?: number | undefined; comment?: string | undefined }
  | { action: 'tier'; tier: string };

export interface ImportRuleConfig {
  /** Shown in logs and Error Comments; default "importRules[<index>]". */
  name?: string | undefined;
  match?: ImportMatchConfig | undefined;
  actions: ImportActionConfig[];
  /** Changes made by this rule do not turn the C-STORE status into 0xB000. */
  silent?: boolean | undefined;
}

export interface ImportRuleOptions {
  /** Secret salt of newUids; required when a rule uses it. */
  uidSecret?: string | undefined;
}

/** What the association tells about the incoming object (the rest is in its data set). */
export interface ImportContext {
  callingAe: string;
  calledAe: string;
  sopClassUid: string;
}
