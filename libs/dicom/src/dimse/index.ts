export * from './commands';
export {
  STORAGE_SOP_CLASSES, QUERY_RETRIEVE_SOP_CLASSES, VERIFICATION_SOP_CLASS, QueryRetrieveModel,
  sopClassByUid, sopClassByKeyword, isStorageSopClass, queryRetrieveSopClass,
  type SopClass, type QueryRetrieveSopClass, type QueryRetrieveOperation, type QueryRetrieveModelName,
} from './sop-classes';
export { STORAGE_TRANSFER_SYNTAXES, QUERY_TRANSFER_SYNTAXES, selectProposedTransferSyntax } from './transfer-syntax-preference';
export {
  defaultAcceptancePolicy, defaultAbstractSyntaxes, defaultAcceptedAbstractSyntax, AcceptanceConfigError, type DefaultAcceptanceOptions,
} from './acceptance';
export { parseSopList, SopListParseError } from './sop-list';
export { DimseProtocolError, NoPresentationContextError, DimseAssociationEndedError } from './errors';
export { serveDimse, type DimseServing } from './scp/serve-dimse';
export type {
  AssociationInfo, DimseHandlers, DimseOutcome, EchoRequest, StoreRequest, FindRequest, FindPending, MoveRequest, GetRequest,
  RetrieveProgress, RetrieveResult, RetrieveGenerator, SendSubOperation, NServiceRequest, NServiceResult, ServeDimseOptions,
} from './scp/handlers';
export { retrieveStatus } from './scp/retrieve';
export { chunksOf } from './channel/chunks-of';
export { echo } from './scu/echo';
export { store, type StoreInput } from './scu/store';
export { find, type FindOperation, type QueryOptions } from './scu/find';
export { move, get, type RetrieveOperation, type RetrieveOutcome, type RetrieveStatus } from './scu/retrieve';
export { proposeStorage, proposeQuery, scpRoleSelection } from './scu/contexts';
export { selectPresentationContext } from './scu/select-context';
export { openPart10File, writePart10File, Part10FileError, type Part10File } from './part10';
export { CT_IMAGE_STORAGE, syntheticCtHeader, warmUpStorePath, type SliceIds, type WarmUpOptions, type WarmUpResult } from './warm-up';
