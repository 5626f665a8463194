export type { CommandFieldValue } from './command-field';
export {
  CommandField, commandFieldName, isKnownCommandField, isResponse, Priority, CommandDataSetType, VERIFICATION_SOP_CLASS_UID,
} from './command-field';
export type { CommandFieldSpec, CommandElementName } from './command-tags';
export { COMMAND_ELEMENTS } from './command-tags';
export type {
  CommandFields, DimseCommandBase, DimseMessage,
  CEchoRq, CEchoRsp, CStoreRq, CStoreRsp, CFindRq, CFindRsp, CGetRq, CGetRsp, CMoveRq, CMoveRsp, CCancelRq,
  NEventReportRq, NEventReportRsp, NGetRq, NGetRsp, NSetRq, NSetRsp, NActionRq, NActionRsp,
  NCreateRq, NCreateRsp, NDeleteRq, NDeleteRsp,
} from './messages';
export {
  MANDATORY_ELEMENTS,
  cEchoRq, cEchoRsp, cStoreRq, cStoreRsp, cFindRq, cFindRsp, cGetRq, cGetRsp, cMoveRq, cMoveRsp, cCancelRq,
  nEventReportRq, nEventReportRsp, nGetRq, nGetRsp, nSetRq, nSetRsp, nActionRq, nActionRsp,
  nCreateRq, nCreateRsp, nDeleteRq, nDeleteRsp,
} from './messages';
export { encodeCommandSet, decodeCommandSet, DimseCommandError } from './command-set';
export type { StatusCategory, StatusEntry, DimseService } from './status';
export { Status, STATUS_TABLE, statusCategory, lookupStatus, describeStatus, DimseStatusError } from './status';
