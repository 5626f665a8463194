import { EVENTS, type EventName } from './events';
import { STATES, type State } from './states';

/** The local user asked for something Table 9-10 leaves blank in the current state. */
export class InvalidEventError extends Error {
  override readonly name = 'InvalidEventError';

  constructor(
    readonly state: State,
    readonly event: EventName,
  ) {
    super(`${event} (${EVENTS[event]}) is not defined in ${state} (${STATES[state]}), PS3.8 Table 9-10`);
  }
}
