// The DICOM upper layer protocol machine, PS3.8 §9.2: Table 9-10 lookup + one action call.
import { ACTIONS, type ActionName } from './actions';
import type { Indication, UpperLayerContext } from './context';
import type { EventName, UpperLayerEvent } from './events';
import { cellOf } from './state-table';
import type { State } from './states';
import { InvalidEventError } from './ul-errors';

export interface Transition {
  from: State;
  event: EventName;
  action: ActionName;
  to: State;
}

export class UpperLayerStateMachine {
  private current: State;
  private running = false;
  private readonly pending: Indication[] = [];
  /** The context handed to actions: indications wait until the state has moved. */
  private readonly actionCtx: UpperLayerContext;

  constructor(
    private readonly ctx: UpperLayerContext,
    initial: State = 'Sta1',
  ) {
    this.current = initial;
    this.actionCtx = {
      isRequestor: ctx.isRequestor,
      connectTransport: () => ctx.connectTransport(),
      closeTransport: () => ctx.closeTransport(),
      sendPdu: (pdu) => ctx.sendPdu(pdu),
      sendPdv: (pdv) => ctx.sendPdv(pdv),
      startArtim: () => ctx.startArtim(),
      stopArtim: () => ctx.stopArtim(),
      providerRejection: (rq) => ctx.providerRejection(rq),
      indicate: (indication) => {
        if (this.running) this.pending.push(indication);
        else ctx.indicate(indication);
      },
    };
  }

  get state(): State {
    return this.current;
  }

  /** Whether Table 9-10 defines `event` in the current state. */
  accepts(event: EventName): boolean {
    return cellOf(this.current, event) !== undefined;
  }

  /**
   * Runs the action of (current state, event) and moves to its next state. Indications are
   * delivered after the move, so a handler that dispatches the next event (the local user
   * answering an A-ASSOCIATE indication) sees the post-transition state.
   */
  dispatch(input: UpperLayerEvent): Transition {
    const from = this.current;
    const cell = cellOf(from, input.event);
    if (cell === undefined) throw new InvalidEventError(from, input.event);
    this.running = true;
    try {
      this.current = ACTIONS[cell.action].run(this.actionCtx, input);
    } finally {
      this.running = false;
    }
    if (this.pending.length > 0) for (const indication of this.pending.splice(0)) this.ctx.indicate(indication);
    return { from, event: input.event, action: cell.action, to: this.current };
  }
}
