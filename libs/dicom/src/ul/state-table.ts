// PS3.8 §9.2.3, Table 9-10 "DICOM Upper Layer Protocol State Transition Table", as data:
// one row per event, one cell per state where the standard defines one. A cell names the
// action and the next state(s) the standard gives for it. Blank cells of the standard are
// absent here: such an event in such a state is a local usage error, not a protocol action.
import type { ActionName } from './actions';
import type { EventName } from './events';
import type { State } from './states';

export interface Cell {
  action: ActionName;
  next: readonly State[];
}

const c = (action: ActionName, ...next: State[]): Cell => ({ action, next });

/** Cells shared by every state with an established or ending association (Sta3, Sta5–Sta12). */
function row(states: readonly State[], cell: Cell): Partial<Record<State, Cell>> {
  return Object.fromEntries(states.map((s) => [s, cell]));
}

const STA3_TO_12: readonly State[] = ['Sta3', 'Sta5', 'Sta6', 'Sta7', 'Sta8', 'Sta9', 'Sta10', 'Sta11', 'Sta12'];
const AA8 = c('AA-8', 'Sta13');

export const STATE_TABLE: Readonly<Record<EventName, Readonly<Partial<Record<State, Cell>>>>> = {
  Evt1: { Sta1: c('AE-1', 'Sta4') },
  Evt2: { Sta4: c('AE-2', 'Sta5') },
  Evt3: { Sta2: c('AA-1', 'Sta13'), ...row(STA3_TO_12, AA8), Sta5: c('AE-3', 'Sta6'), Sta13: c('AA-6', 'Sta13') },
  Evt4: { Sta2: c('AA-1', 'Sta13'), ...row(STA3_TO_12, AA8), Sta5: c('AE-4', 'Sta1'), Sta13: c('AA-6', 'Sta13') },
  Evt5: { Sta1: c('AE-5', 'Sta2') },
  Evt6: { Sta2: c('AE-6', 'Sta3', 'Sta13'), ...row(STA3_TO_12, AA8), Sta13: c('AA-7', 'Sta13') },
  Evt7: { Sta3: c('AE-7', 'Sta6') },
  Evt8: { Sta3: c('AE-8', 'Sta13') },
  Evt9: { Sta6: c('DT-1', 'Sta6'), Sta8: c('AR-7', 'Sta8') },
  Evt10: {
    Sta2: c('AA-1', 'Sta13'),
    ...row(STA3_TO_12, AA8),
    Sta6: c('DT-2', 'Sta6'),
    Sta7: c('AR-6', 'Sta7'),
    Sta13: c('AA-6', 'Sta13'),
  },
  Evt11: { Sta6: c('AR-1', 'Sta7') },
  Evt12: {
    Sta2: c('AA-1', 'Sta13'),
    ...row(STA3_TO_12, AA8),
    Sta6: c('AR-2', 'Sta8'),
    Sta7: c('AR-8', 'Sta9', 'Sta10'),
    Sta13: c('AA-6', 'Sta13'),
  },
  Evt13: {
    Sta2: c('AA-1', 'Sta13'),
    ...row(STA3_TO_12, AA8),
    Sta7: c('AR-3', 'Sta1'),
    Sta10: c('AR-10', 'Sta12'),
    Sta11: c('AR-3', 'Sta1'),
    Sta13: c('AA-6', 'Sta13'),
  },
  Evt14: { Sta8: c('AR-4', 'Sta13'), Sta9: c('AR-9', 'Sta11'), Sta12: c('AR-4', 'Sta13') },
  Evt15: { ...row(STA3_TO_12, c('AA-1', 'Sta13')), Sta4: c('AA-2', 'Sta1') },
  Evt16: { Sta2: c('AA-2', 'Sta1'), ...row(STA3_TO_12, c('AA-3', 'Sta1')), Sta13: c('AA-2', 'Sta1') },
  Evt17: { Sta2: c('AA-5', 'Sta1'), ...row(STA3_TO_12, c('AA-4', 'Sta1')), Sta4: c('AA-4', 'Sta1'), Sta13: c('AR-5', 'Sta1') },
  Evt18: { Sta2: c('AA-2', 'Sta1'), Sta13: c('AA-2', 'Sta1') },
  Evt19: { Sta2: c('AA-1', 'Sta13'), ...row(STA3_TO_12, AA8), Sta13: c('AA-7', 'Sta13') },
};

export function cellOf(state: State, event: EventName): Cell | undefined {
  return STATE_TABLE[event][state];
}
