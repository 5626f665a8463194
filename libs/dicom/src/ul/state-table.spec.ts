// Every cell of PS3.8 Table 9-10 (13 states × 19 events = 247), each its own test, generated
// from the table below, written out as the standard prints it ("." = blank cell).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ACTIONS, type ActionName } from './actions';
import { EVENTS, EVENT_NAMES, type EventName } from './events';
import { UpperLayerStateMachine } from './state-machine';
import { STATE_NAMES, type State } from './states';
import { RecordingContext, sampleEvent } from './test-support';
import { InvalidEventError } from './ul-errors';

const TABLE_9_10 = `
        Sta1  Sta2  Sta3  Sta4  Sta5  Sta6  Sta7  Sta8  Sta9  Sta10 Sta11 Sta12 Sta13
Evt1    AE-1  .     .     .     .     .     .     .     .     .     .     .     .
Evt2    .     .     .     AE-2  .     .     .     .     .     .     .     .     .
Evt3    .     AA-1  AA-8  .     AE-3  AA-8  AA-8  AA-8  AA-8  AA-8  AA-8  AA-8  AA-6
Evt4    .     AA-1  AA-8  .     AE-4  AA-8  AA-8  AA-8  AA-8  AA-8  AA-8  AA-8  AA-6
Evt5    AE-5  .     .     .     .     .     .     .     .     .     .     .     .
Evt6    .     AE-6  AA-8  .     AA-8  AA-8  AA-8  AA-8  AA-8  AA-8  AA-8  AA-8  AA-7
Evt7    .     .     AE-7  .     .     .     .     .     .     .     .     .     .
Evt8    .     .     AE-8  .     .     .     .     .     .     .     .     .     .
Evt9    .     .     .     .     .     DT-1  .     AR-7  .     .     .     .     .
Evt10   .     AA-1  AA-8  .     AA-8  DT-2  AR-6  AA-8  AA-8  AA-8  AA-8  AA-8  AA-6
Evt11   .     .     .     .     .     AR-1  .     .     .     .     .     .     .
Evt12   .     AA-1  AA-8  .     AA-8  AR-2  AR-8  AA-8  AA-8  AA-8  AA-8  AA-8  AA-6
Evt13   .     AA-1  AA-8  .     AA-8  AA-8  AR-3  AA-8  AA-8  AR-10 AR-3  AA-8  AA-6
Evt14   .     .     .     .     .     .     .     AR-4  AR-9  .     .     AR-4  .
Evt15   .     .     AA-1  AA-2  AA-1  AA-1  AA-1  AA-1  AA-1  AA-1  AA-1  AA-1  .
Evt16   .     AA-2  AA-3  .     AA-3  AA-3  AA-3  AA-3  AA-3  AA-3  AA-3  AA-3  AA-2
Evt17   .     AA-5  AA-4  AA-4  AA-4  AA-4  AA-4  AA-4  AA-4  AA-4  AA-4  AA-4  AR-5
Evt18   .     AA-2  .     .     .     .     .     .     .     .     .     .     AA-2
Evt19   .     AA-1  AA-8  .     AA-8  AA-8  AA-8  AA-8  AA-8  AA-8  AA-8  AA-8  AA-7
`;

// Next state of each action, PS3.8 Tables 9-6 to 9-9.
const NEXT_STATE: Record<ActionName, string> = {
  'AE-1': 'Sta4', 'AE-2': 'Sta5', 'AE-3': 'Sta6', 'AE-4': 'Sta1', 'AE-5': 'Sta2',
  'AE-6': 'Sta3 or Sta13', 'AE-7': 'Sta6', 'AE-8': 'Sta13',
  'DT-1': 'Sta6', 'DT-2': 'Sta6',
  'AR-1': 'Sta7', 'AR-2': 'Sta8', 'AR-3': 'Sta1', 'AR-4': 'Sta13', 'AR-5': 'Sta1', 'AR-6': 'Sta7',
  'AR-7': 'Sta8', 'AR-8': 'Sta9 or Sta10', 'AR-9': 'Sta11', 'AR-10': 'Sta12',
  'AA-1': 'Sta13', 'AA-2': 'Sta1', 'AA-3': 'Sta1', 'AA-4': 'Sta1', 'AA-5': 'Sta1', 'AA-6': 'Sta13', 'AA-7': 'Sta13', 'AA-8': 'Sta13',
};

function parseTable(): Map<string, ActionName | undefined> {
  const lines = TABLE_9_10.trim().split('\n');
  const states = lines[0]!.trim().split(/\s+/) as State[];
  const cells = new Map<string, ActionName | undefined>();
  for (const line of lines.slice(1)) {
    const [event, ...actions] = line.trim().split(/\s+/);
    assert.equal(actions.length, states.length, `row ${event}`);
    actions.forEach((a, i) => cells.set(`${states[i]} ${event}`, a === '.' ? undefined : (a as ActionName)));
  }
  return cells;
}

const expected = parseTable();

describe('PS3.8 Table 9-10, cell by cell', () => {
  test('the written table has 13 × 19 = 247 cells', () => {
    assert.equal(expected.size, 247);
    assert.equal(STATE_NAMES.length * EVENT_NAMES.length, 247);
  });

  for (const event of EVENT_NAMES) {
    for (const state of STATE_NAMES) {
      const action = expected.get(`${state} ${event}`);
      const name = action
        ? `${state} + ${event} (${EVENTS[event]}) → ${action}, ${NEXT_STATE[action]}`
        : `${state} + ${event} (${EVENTS[event]}) → blank: rejected, state unchanged`;
      test(name, () => {
        const ctx = new RecordingContext(true);
        const machine = new UpperLayerStateMachine(ctx, state);
        if (!action) {
          assert.equal(machine.accepts(event), false);
          assert.throws(() => machine.dispatch(sampleEvent(event)), InvalidEventError);
          assert.equal(machine.state, state);
          assert.deepEqual(ctx.calls, []);
          return;
        }
        assert.equal(machine.accepts(event), true);
        const t = machine.dispatch(sampleEvent(event));
        assert.equal(t.action, action);
        assert.equal(t.from, state);
        assert.ok(NEXT_STATE[action].split(' or ').includes(t.to), `${t.to} not in ${NEXT_STATE[action]}`);
        assert.ok(ACTIONS[action].nextStates.includes(t.to));
        assert.equal(machine.state, t.to);
      });
    }
  }
});

describe('two-way actions', () => {
  test('AE-6 with an RQ the service-provider accepts → A-ASSOCIATE indication, Sta3', () => {
    const ctx = new RecordingContext();
    const m = new UpperLayerStateMachine(ctx, 'Sta2');
    m.dispatch(sampleEvent('Evt6'));
    assert.equal(m.state, 'Sta3');
    assert.deepEqual(ctx.calls, ['stopArtim', 'A-ASSOCIATE indication']);
  });

  test('AE-6 with an RQ the service-provider refuses → A-ASSOCIATE-RJ, start ARTIM, Sta13', () => {
    const ctx = new RecordingContext();
    ctx.rejection = { type: 'A-ASSOCIATE-RJ', result: 1, source: 2, reason: 2 };
    const m = new UpperLayerStateMachine(ctx, 'Sta2');
    m.dispatch(sampleEvent('Evt6'));
    assert.equal(m.state, 'Sta13');
    assert.deepEqual(ctx.calls, ['stopArtim', 'send A-ASSOCIATE-RJ', 'startArtim']);
  });

  test('AR-8 on the association-requestor → Sta9', () => {
    const m = new UpperLayerStateMachine(new RecordingContext(true), 'Sta7');
    m.dispatch(sampleEvent('Evt12'));
    assert.equal(m.state, 'Sta9');
  });

  test('AR-8 on the association-acceptor → Sta10', () => {
    const m = new UpperLayerStateMachine(new RecordingContext(false), 'Sta7');
    m.dispatch(sampleEvent('Evt12'));
    assert.equal(m.state, 'Sta10');
  });
});

describe('the state table data', () => {
  test('every cell of STATE_TABLE matches the written table, including its next states', async () => {
    const { STATE_TABLE } = await import('./state-table');
    for (const event of EVENT_NAMES) {
      for (const state of STATE_NAMES) {
        const cell = STATE_TABLE[event][state];
        assert.equal(cell?.action, expected.get(`${state} ${event}`), `${state} + ${event}`);
        if (cell) assert.deepEqual([...cell.next], NEXT_STATE[cell.action].split(' or '));
      }
    }
  });

  test('every EventName is a row', () => {
    const rows = new Set([...expected.keys()].map((k) => k.split(' ')[1] as EventName));
    assert.deepEqual([...rows].sort(), [...EVENT_NAMES].sort());
  });
});
