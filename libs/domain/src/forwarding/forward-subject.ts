// What a forwarding rule looks at: the stored instance as the index has it (the listener's
// event is gone by then). Attributes are the DICOM JSON (PS3.18 §F.2) of the patient, study,
// series and instance rows together.

export interface JsonAttribute {
  vr: string;
  Value?: unknown[];
}

export interface ForwardSubject {
  callingAe: string;
  calledAe: string;
  sopClassUid: string;
  modality: string;
  stationName: string;
  /** Keyed by the 8-hex-digit tag (DICOM JSON keys). */
  attributes: Readonly<Record<string, JsonAttribute | object>>;
}

/** The value as rules compare it: several values backslash-joined, person names by their alphabetic form. */
export function jsonAttributeText(attribute: JsonAttribute | object | undefined): string | undefined {
  if (!attribute || !('Value' in attribute) || !Array.isArray(attribute.Value)) return undefined;
  const parts = attribute.Value.map((v: unknown) => {
    if (v === null || v === undefined) return '';
    if (typeof v === 'string' || typeof v === 'number') return String(v);
    if (typeof v === 'object' && 'Alphabetic' in v) return String((v as { Alphabetic: unknown }).Alphabetic ?? '');
    return undefined;
  });
  if (parts.some((p) => p === undefined)) return undefined;
  return parts.join('\\');
}
