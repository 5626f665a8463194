// PS3.7 §E.1 Command Field (0000,0100) values, priorities and Command Data Set Type.

export const CommandField = {
  C_STORE_RQ: 0x0001,
  C_STORE_RSP: 0x8001,
  C_GET_RQ: 0x0010,
  C_GET_RSP: 0x8010,
  C_FIND_RQ: 0x0020,
  C_FIND_RSP: 0x8020,
  C_MOVE_RQ: 0x0021,
  C_MOVE_RSP: 0x8021,
  C_ECHO_RQ: 0x0030,
  C_ECHO_RSP: 0x8030,
  N_EVENT_REPORT_RQ: 0x0100,
  N_EVENT_REPORT_RSP: 0x8100,
  N_GET_RQ: 0x0110,
  N_GET_RSP: 0x8110,
  N_SET_RQ: 0x0120,
  N_SET_RSP: 0x8120,
  N_ACTION_RQ: 0x0130,
  N_ACTION_RSP: 0x8130,
  N_CREATE_RQ: 0x0140,
  N_CREATE_RSP: 0x8140,
  N_DELETE_RQ: 0x0150,
  N_DELETE_RSP: 0x8150,
  C_CANCEL_RQ: 0x0fff,
} as const;

export type CommandFieldValue = (typeof CommandField)[keyof typeof CommandField];

const NAMES = new Map<number, string>(Object.entries(CommandField).map(([k, v]) => [v, k.replace(/_(RQ|RSP)$/, '-$1').replace(/_/g, '-')]));

/** "C-STORE-RQ" etc., or the hex value for an unknown field. */
export function commandFieldName(field: number): string {
  return NAMES.get(field) ?? `0x${field.toString(16).padStart(4, '0')}`;
}

export function isKnownCommandField(field: number): field is CommandFieldValue {
  return NAMES.has(field);
}

/** Responses have the high bit set (PS3.7 §E.1). C-CANCEL-RQ is a request. */
export function isResponse(field: number): boolean {
  return (field & 0x8000) !== 0;
}

/** PS3.7 §9.1.1.1.6: (0000,0700) Priority. */
export const Priority = { MEDIUM: 0x0000, HIGH: 0x0001, LOW: 0x0002 } as const;

/** PS3.7 §E.1 (0000,0800): 0x0101 means no data set follows; any other value means one does. */
export const CommandDataSetType = { NONE: 0x0101, PRESENT: 0x0001 } as const;

/** Verification SOP Class (PS3.4 Annex A). */
export const VERIFICATION_SOP_CLASS_UID = '1.2.840.10008.1.1';
