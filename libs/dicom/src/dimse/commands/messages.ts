// PS3.7 §9.3 (DIMSE-C) and §10.3 (DIMSE-N) command messages: which command elements each one
// carries. The table is the one place that says what is mandatory; types follow from it.
import { CommandField, Priority, VERIFICATION_SOP_CLASS_UID } from './command-field';

/** Every command element a message can carry, as plain values (group length is computed). */
export interface CommandFields {
  affectedSopClassUid?: string;
  requestedSopClassUid?: string;
  messageId?: number;
  messageIdBeingRespondedTo?: number;
  moveDestination?: string;
  priority?: number;
  status?: number;
  offendingElement?: number[];
  errorComment?: string;
  errorId?: number;
  affectedSopInstanceUid?: string;
  requestedSopInstanceUid?: string;
  eventTypeId?: number;
  attributeIdentifierList?: number[];
  actionTypeId?: number;
  numberOfRemainingSuboperations?: number;
  numberOfCompletedSuboperations?: number;
  numberOfFailedSuboperations?: number;
  numberOfWarningSuboperations?: number;
  moveOriginatorApplicationEntityTitle?: string;
  moveOriginatorMessageId?: number;
}

export interface DimseCommandBase extends CommandFields {
  commandField: number;
  /** (0000,0800) != 0x0101: a data set follows the command. */
  hasDataSet: boolean;
}

type Req<T, K extends keyof CommandFields> = T & Required<Pick<CommandFields, K>>;

export type CEchoRq = Req<{ commandField: typeof CommandField.C_ECHO_RQ } & DimseCommandBase, 'messageId' | 'affectedSopClassUid'>;
export type CEchoRsp = Req<{ commandField: typeof CommandField.C_ECHO_RSP } & DimseCommandBase, 'messageIdBeingRespondedTo' | 'status'>;
export type CStoreRq = Req<{ commandField: typeof CommandField.C_STORE_RQ } & DimseCommandBase, 'messageId' | 'affectedSopClassUid' | 'affectedSopInstanceUid' | 'priority'>;
export type CStoreRsp = Req<{ commandField: typeof CommandField.C_STORE_RSP } & DimseCommandBase, 'messageIdBeingRespondedTo' | 'status'>;
export type CFindRq = Req<{ commandField: typeof CommandField.C_FIND_RQ } & DimseCommandBase, 'messageId' | 'affectedSopClassUid' | 'priority'>;
export type CFindRsp = Req<{ commandField: typeof CommandField.C_FIND_RSP } & DimseCommandBase, 'messageIdBeingRespondedTo' | 'status'>;
export type CGetRq = Req<{ commandField: typeof CommandField.C_GET_RQ } & DimseCommandBase, 'messageId' | 'affectedSopClassUid' | 'priority'>;
export type CGetRsp = Req<{ commandField: typeof CommandField.C_GET_RSP } & DimseCommandBase, 'messageIdBeingRespondedTo' | 'status'>;
export type CMoveRq = Req<{ commandField: typeof CommandField.C_MOVE_RQ } & DimseCommandBase, 'messageId' | 'affectedSopClassUid' | 'priority' | 'moveDestination'>;
export type CMoveRsp = Req<{ commandField: typeof CommandField.C_MOVE_RSP } & DimseCommandBase, 'messageIdBeingRespondedTo' | 'status'>;
export type CCancelRq = Req<{ commandField: typeof CommandField.C_CANCEL_RQ } & DimseCommandBase, 'messageIdBeingRespondedTo'>;
export type NEventReportRq = Req<{ commandField: typeof CommandField.N_EVENT_REPORT_RQ } & DimseCommandBase, 'messageId' | 'affectedSopClassUid' | 'affectedSopInstanceUid' | 'eventTypeId'>;
export type NEventReportRsp = Req<{ commandField: typeof CommandField.N_EVENT_REPORT_RSP } & DimseCommandBase, 'messageIdBeingRespondedTo' | 'status'>;
export type NGetRq = Req<{ commandField: typeof CommandField.N_GET_RQ } & DimseCommandBase, 'messageId' | 'requestedSopClassUid' | 'requestedSopInstanceUid'>;
export type NGetRsp = Req<{ commandField: typeof CommandField.N_GET_RSP } & DimseCommandBase, 'messageIdBeingRespondedTo' | 'status'>;
export type NSetRq = Req<{ commandField: typeof CommandField.N_SET_RQ } & DimseCommandBase, 'messageId' | 'requestedSopClassUid' | 'requestedSopInstanceUid'>;
export type NSetRsp = Req<{ commandField: typeof CommandField.N_SET_RSP } & DimseCommandBase, 'messageIdBeingRespondedTo' | 'status'>;
export type NActionRq = Req<{ commandField: typeof CommandField.N_ACTION_RQ } & DimseCommandBase, 'messageId' | 'requestedSopClassUid' | 'requestedSopInstanceUid' | 'actionTypeId'>;
export type NActionRsp = Req<{ commandField: typeof CommandField.N_ACTION_RSP } & DimseCommandBase, 'messageIdBeingRespondedTo' | 'status'>;
export type NCreateRq = Req<{ commandField: typeof CommandField.N_CREATE_RQ } & DimseCommandBase, 'messageId' | 'affectedSopClassUid'>;
export type NCreateRsp = Req<{ commandField: typeof CommandField.N_CREATE_RSP } & DimseCommandBase, 'messageIdBeingRespondedTo' | 'status'>;
export type NDeleteRq = Req<{ commandField: typeof CommandField.N_DELETE_RQ } & DimseCommandBase, 'messageId' | 'requestedSopClassUid' | 'requestedSopInstanceUid'>;
export type NDeleteRsp = Req<{ commandField: typeof CommandField.N_DELETE_RSP } & DimseCommandBase, 'messageIdBeingRespondedTo' | 'status'>;

export type DimseMessage =
  | CEchoRq | CEchoRsp | CStoreRq | CStoreRsp | CFindRq | CFindRsp | CGetRq | CGetRsp | CMoveRq | CMoveRsp | CCancelRq
  | NEventReportRq | NEventReportRsp | NGetRq | NGetRsp | NSetRq | NSetRsp | NActionRq | NActionRsp
  | NCreateRq | NCreateRsp | NDeleteRq | NDeleteRsp;

/** Mandatory elements per command (PS3.7 Tables 9.3-1 … 9.3-20 and 10.3-1 … 10.3-12), besides Command Field and Data Set Type. */
export const MANDATORY_ELEMENTS: Readonly<Record<number, readonly (keyof CommandFields)[]>> = {
  [CommandField.C_ECHO_RQ]: ['messageId', 'affectedSopClassUid'],
  [CommandField.C_ECHO_RSP]: ['messageIdBeingRespondedTo', 'status'],
  [CommandField.C_STORE_RQ]: ['messageId', 'affectedSopClassUid', 'affectedSopInstanceUid', 'priority'],
  [CommandField.C_STORE_RSP]: ['messageIdBeingRespondedTo', 'status'],
  [CommandField.C_FIND_RQ]: ['messageId', 'affectedSopClassUid', 'priority'],
  [CommandField.C_FIND_RSP]: ['messageIdBeingRespondedTo', 'status'],
  [CommandField.C_GET_RQ]: ['messageId', 'affectedSopClassUid', 'priority'],
  [CommandField.C_GET_RSP]: ['messageIdBeingRespondedTo', 'status'],
  [CommandField.C_MOVE_RQ]: ['messageId', 'affectedSopClassUid', 'priority', 'moveDestination'],
  [CommandField.C_MOVE_RSP]: ['messageIdBeingRespondedTo', 'status'],
  [CommandField.C_CANCEL_RQ]: ['messageIdBeingRespondedTo'],
  [CommandField.N_EVENT_REPORT_RQ]: ['messageId', 'affectedSopClassUid', 'affectedSopInstanceUid', 'eventTypeId'],
  [CommandField.N_EVENT_REPORT_RSP]: ['messageIdBeingRespondedTo', 'status'],
  [CommandField.N_GET_RQ]: ['messageId', 'requestedSopClassUid', 'requestedSopInstanceUid'],
  [CommandField.N_GET_RSP]: ['messageIdBeingRespondedTo', 'status'],
  [CommandField.N_SET_RQ]: ['messageId', 'requestedSopClassUid', 'requestedSopInstanceUid'],
  [CommandField.N_SET_RSP]: ['messageIdBeingRespondedTo', 'status'],
  [CommandField.N_ACTION_RQ]: ['messageId', 'requestedSopClassUid', 'requestedSopInstanceUid', 'actionTypeId'],
  [CommandField.N_ACTION_RSP]: ['messageIdBeingRespondedTo', 'status'],
  [CommandField.N_CREATE_RQ]: ['messageId', 'affectedSopClassUid'],
  [CommandField.N_CREATE_RSP]: ['messageIdBeingRespondedTo', 'status'],
  [CommandField.N_DELETE_RQ]: ['messageId', 'requestedSopClassUid', 'requestedSopInstanceUid'],
  [CommandField.N_DELETE_RSP]: ['messageIdBeingRespondedTo', 'status'],
};

type Params<T extends DimseMessage> = Omit<T, 'commandField'>;
type WithDefaults<T extends DimseMessage, K extends keyof T> = Omit<Params<T>, K> & Partial<Pick<T, K>>;

export function cEchoRq(p: WithDefaults<CEchoRq, 'affectedSopClassUid' | 'hasDataSet'>): CEchoRq {
  return { affectedSopClassUid: VERIFICATION_SOP_CLASS_UID, hasDataSet: false, ...p, commandField: CommandField.C_ECHO_RQ };
}
export function cEchoRsp(p: WithDefaults<CEchoRsp, 'affectedSopClassUid' | 'hasDataSet' | 'status'>): CEchoRsp {
  return { affectedSopClassUid: VERIFICATION_SOP_CLASS_UID, hasDataSet: false, status: 0x0000, ...p, commandField: CommandField.C_ECHO_RSP };
}
export function cStoreRq(p: WithDefaults<CStoreRq, 'priority' | 'hasDataSet'>): CStoreRq {
  return { priority: Priority.MEDIUM, hasDataSet: true, ...p, commandField: CommandField.C_STORE_RQ };
}
export function cStoreRsp(p: WithDefaults<CStoreRsp, 'hasDataSet'>): CStoreRsp {
  return { hasDataSet: false, ...p, commandField: CommandField.C_STORE_RSP };
}
export function cFindRq(p: WithDefaults<CFindRq, 'priority' | 'hasDataSet'>): CFindRq {
  return { priority: Priority.MEDIUM, hasDataSet: true, ...p, commandField: CommandField.C_FIND_RQ };
}
/** Pending responses carry an identifier; the final one does not (PS3.4 C.4.1.1.4). */
export function cFindRsp(p: WithDefaults<CFindRsp, 'hasDataSet'>): CFindRsp {
  return { hasDataSet: p.status === 0xff00 || p.status === 0xff01, ...p, commandField: CommandField.C_FIND_RSP };
}
export function cGetRq(p: WithDefaults<CGetRq, 'priority' | 'hasDataSet'>): CGetRq {
  return { priority: Priority.MEDIUM, hasDataSet: true, ...p, commandField: CommandField.C_GET_RQ };
}
export function cGetRsp(p: WithDefaults<CGetRsp, 'hasDataSet'>): CGetRsp {
  return { hasDataSet: false, ...p, commandField: CommandField.C_GET_RSP };
}
export function cMoveRq(p: WithDefaults<CMoveRq, 'priority' | 'hasDataSet'>): CMoveRq {
  return { priority: Priority.MEDIUM, hasDataSet: true, ...p, commandField: CommandField.C_MOVE_RQ };
}
export function cMoveRsp(p: WithDefaults<CMoveRsp, 'hasDataSet'>): CMoveRsp {
  return { hasDataSet: false, ...p, commandField: CommandField.C_MOVE_RSP };
}
export function cCancelRq(p: WithDefaults<CCancelRq, 'hasDataSet'>): CCancelRq {
  return { hasDataSet: false, ...p, commandField: CommandField.C_CANCEL_RQ };
}
export function nEventReportRq(p: WithDefaults<NEventReportRq, 'hasDataSet'>): NEventReportRq {
  return { hasDataSet: false, ...p, commandField: CommandField.N_EVENT_REPORT_RQ };
}
export function nEventReportRsp(p: WithDefaults<NEventReportRsp, 'hasDataSet'>): NEventReportRsp {
  return { hasDataSet: false, ...p, commandField: CommandField.N_EVENT_REPORT_RSP };
}
export function nGetRq(p: WithDefaults<NGetRq, 'hasDataSet'>): NGetRq {
  return { hasDataSet: false, ...p, commandField: CommandField.N_GET_RQ };
}
export function nGetRsp(p: WithDefaults<NGetRsp, 'hasDataSet'>): NGetRsp {
  return { hasDataSet: false, ...p, commandField: CommandField.N_GET_RSP };
}
export function nSetRq(p: WithDefaults<NSetRq, 'hasDataSet'>): NSetRq {
  return { hasDataSet: true, ...p, commandField: CommandField.N_SET_RQ };
}
export function nSetRsp(p: WithDefaults<NSetRsp, 'hasDataSet'>): NSetRsp {
  return { hasDataSet: false, ...p, commandField: CommandField.N_SET_RSP };
}
export function nActionRq(p: WithDefaults<NActionRq, 'hasDataSet'>): NActionRq {
  return { hasDataSet: false, ...p, commandField: CommandField.N_ACTION_RQ };
}
export function nActionRsp(p: WithDefaults<NActionRsp, 'hasDataSet'>): NActionRsp {
  return { hasDataSet: false, ...p, commandField: CommandField.N_ACTION_RSP };
}
export function nCreateRq(p: WithDefaults<NCreateRq, 'hasDataSet'>): NCreateRq {
  return { hasDataSet: false, ...p, commandField: CommandField.N_CREATE_RQ };
}
export function nCreateRsp(p: WithDefaults<NCreateRsp, 'hasDataSet'>): NCreateRsp {
  return { hasDataSet: false, ...p, commandField: CommandField.N_CREATE_RSP };
}
export function nDeleteRq(p: WithDefaults<NDeleteRq, 'hasDataSet'>): NDeleteRq {
  return { hasDataSet: false, ...p, commandField: CommandField.N_DELETE_RQ };
}
export function nDeleteRsp(p: WithDefaults<NDeleteRsp, 'hasDataSet'>): NDeleteRsp {
  return { hasDataSet: false, ...p, commandField: CommandField.N_DELETE_RSP };
}
