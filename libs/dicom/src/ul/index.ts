export { STATES, STATE_NAMES, type State } from './states';
export { EVENTS, EVENT_NAMES, receivedPduEvent, type EventName, type UpperLayerEvent } from './events';
export { ACTIONS, type Action, type ActionDefinition, type ActionName } from './actions';
export { STATE_TABLE, cellOf, type Cell } from './state-table';
export { UpperLayerStateMachine, type Transition } from './state-machine';
export type { Indication, UpperLayerContext } from './context';
export { InvalidEventError } from './ul-errors';
export { ArtimTimer, DEFAULT_ARTIM_TIMEOUT_MS, ManualClock, systemClock, type Clock } from './artim';
export {
  associateRj,
  negotiateAssociation,
  providerRejection,
  type AcceptancePolicy,
  type AcceptedAbstractSyntax,
  type NegotiationResult,
  type RoleProposal,
  type UserIdentityDecision,
} from './negotiate';
export { negotiatedFrom, type NegotiatedAssociation, type NegotiatedContext } from './negotiated';
