export {
  Association,
  type AcceptorSetup,
  type AssociationEvents,
  type AssociationOptions,
  type AssociationStats,
  type CommandMessage,
  type DatasetMessage,
  type Negotiator,
  type RequestorSetup,
} from './association';
export { buildAssociateRq, connect, type ConnectOptions, type ProposedContext } from './connect';
export { DicomServer, type DicomServerEvents, type DicomServerOptions, type DicomServerTlsOptions } from './server';
export {
  AssociationAbortedError,
  AssociationRejectedError,
  AssociationStateError,
  AssociationTimeoutError,
  UnknownPresentationContextError,
  describeAbortInfo,
  type AbortInfo,
} from './net-errors';
export * from './defaults';
