// What each action does, beyond the next state (PS3.8 Tables 9-6 to 9-9). Indications reach
// the local user after the action's other effects (see state-machine.ts), hence the order.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { PduDecodeError, ProviderAbortReason } from '../pdu';
import { UpperLayerStateMachine } from './state-machine';
import type { State } from './states';
import { RecordingContext, sampleEvent, sampleRq } from './test-support';
import type { UpperLayerEvent } from './events';

function run(state: State, input: UpperLayerEvent, requestor = false): RecordingContext {
  const ctx = new RecordingContext(requestor);
  new UpperLayerStateMachine(ctx, state).dispatch(input);
  return ctx;
}

describe('association establishment', () => {
  test('AE-1 asks the transport to connect; AE-2 sends the A-ASSOCIATE-RQ', () => {
    assert.deepEqual(run('Sta1', sampleEvent('Evt1'), true).calls, ['connectTransport']);
    const ctx = run('Sta4', { event: 'Evt2', rq: sampleRq }, true);
    assert.deepEqual(ctx.sent, [sampleRq]);
  });

  test('AE-3 confirms acceptance; AE-4 confirms rejection and closes', () => {
    assert.deepEqual(run('Sta5', sampleEvent('Evt3')).calls, ['A-ASSOCIATE confirmation (accept)']);
    assert.deepEqual(run('Sta5', sampleEvent('Evt4')).calls, ['closeTransport', 'A-ASSOCIATE confirmation (reject)']);
  });

  test('AE-5 starts ARTIM; AE-7 sends the AC; AE-8 sends the RJ and starts ARTIM', () => {
    assert.deepEqual(run('Sta1', sampleEvent('Evt5')).calls, ['startArtim']);
    assert.deepEqual(run('Sta3', sampleEvent('Evt7')).calls, ['send A-ASSOCIATE-AC']);
    assert.deepEqual(run('Sta3', sampleEvent('Evt8')).calls, ['send A-ASSOCIATE-RJ', 'startArtim']);
  });
});

describe('data transfer and release', () => {
  test('DT-1 and AR-7 send the PDV; DT-2 and AR-6 indicate P-DATA', () => {
    assert.deepEqual(run('Sta6', sampleEvent('Evt9')).calls, ['send P-DATA-TF']);
    assert.deepEqual(run('Sta8', sampleEvent('Evt9')).calls, ['send P-DATA-TF']);
    assert.deepEqual(run('Sta6', sampleEvent('Evt10')).calls, ['P-DATA indication']);
    assert.deepEqual(run('Sta7', sampleEvent('Evt10')).calls, ['P-DATA indication']);
  });

  test('AR-1 sends A-RELEASE-RQ; AR-2 indicates release', () => {
    assert.deepEqual(run('Sta6', sampleEvent('Evt11')).calls, ['send A-RELEASE-RQ']);
    const ctx = run('Sta6', sampleEvent('Evt12'));
    assert.deepEqual(ctx.indications, [{ type: 'A-RELEASE indication', collision: false }]);
  });

  test('AR-3 confirms and closes; AR-4 sends A-RELEASE-RP and starts ARTIM; AR-5 stops ARTIM', () => {
    assert.deepEqual(run('Sta7', sampleEvent('Evt13')).calls, ['closeTransport', 'A-RELEASE confirmation']);
    assert.deepEqual(run('Sta8', sampleEvent('Evt14')).calls, ['send A-RELEASE-RP', 'startArtim']);
    assert.deepEqual(run('Sta13', sampleEvent('Evt17')).calls, ['stopArtim']);
  });

  test('release collision: AR-8 indicates with collision, AR-9 sends RP, AR-10 confirms', () => {
    assert.deepEqual(run('Sta7', sampleEvent('Evt12'), true).indications, [{ type: 'A-RELEASE indication', collision: true }]);
    assert.deepEqual(run('Sta9', sampleEvent('Evt14'), true).calls, ['send A-RELEASE-RP']);
    assert.deepEqual(run('Sta10', sampleEvent('Evt13')).calls, ['A-RELEASE confirmation']);
  });
});

describe('abort', () => {
  test('AA-1 sends A-ABORT service-user source and (re)starts ARTIM', () => {
    const ctx = run('Sta6', { event: 'Evt15' });
    assert.deepEqual(ctx.sent, [{ type: 'A-ABORT', source: 0, reason: 0 }]);
    assert.deepEqual(ctx.calls.slice(1), ['stopArtim', 'startArtim']);
  });

  test('AA-1 carries a source/reason the local user chose', () => {
    assert.deepEqual(run('Sta6', { event: 'Evt15', source: 2, reason: 6 }).sent, [{ type: 'A-ABORT', source: 2, reason: 6 }]);
  });

  test('AA-2 stops ARTIM and closes', () => {
    assert.deepEqual(run('Sta13', sampleEvent('Evt18')).calls, ['stopArtim', 'closeTransport']);
  });

  test('AA-3: peer service-user abort → A-ABORT indication; provider abort → A-P-ABORT', () => {
    const user = run('Sta6', { event: 'Evt16', pdu: { type: 'A-ABORT', source: 0, reason: 0 } });
    assert.deepEqual(user.indications, [{ type: 'A-ABORT indication', source: 0, reason: 0 }]);
    assert.deepEqual(user.calls, ['closeTransport', 'A-ABORT indication']);
    const provider = run('Sta6', { event: 'Evt16', pdu: { type: 'A-ABORT', source: 2, reason: 2 } });
    assert.deepEqual(provider.indications, [{ type: 'A-P-ABORT indication', source: 2, reason: 2, cause: 'peer' }]);
  });

  test('AA-4 indicates a transport-caused A-P-ABORT', () => {
    assert.equal(run('Sta6', sampleEvent('Evt17')).indications[0]?.type, 'A-P-ABORT indication');
  });

  test('AA-6 ignores the PDU', () => {
    assert.deepEqual(run('Sta13', sampleEvent('Evt10')).calls, []);
  });

  test('AA-7 answers an A-ASSOCIATE-RQ in Sta13 with A-ABORT unexpected-PDU', () => {
    assert.deepEqual(run('Sta13', sampleEvent('Evt6')).sent, [{ type: 'A-ABORT', source: 2, reason: 2 }]);
  });

  test('AA-8 for a valid but unexpected PDU: A-ABORT source 2 reason 2 (unexpected-PDU)', () => {
    const ctx = run('Sta6', sampleEvent('Evt3'));
    assert.deepEqual(ctx.sent, [{ type: 'A-ABORT', source: 2, reason: 2 }]);
    assert.deepEqual(ctx.indications, [{ type: 'A-P-ABORT indication', source: 2, reason: 2, cause: 'local' }]);
    assert.deepEqual(ctx.calls, ['send A-ABORT', 'startArtim', 'A-P-ABORT indication']);
  });

  test('AA-8 for an invalid PDU carries the decoder reason', () => {
    const error = new PduDecodeError(ProviderAbortReason.UnrecognizedPdu, 'type 9');
    assert.deepEqual(run('Sta6', { event: 'Evt19', error }).sent, [{ type: 'A-ABORT', source: 2, reason: 1 }]);
  });
});

describe('indications are delivered after the state moved', () => {
  test('a handler answering the A-ASSOCIATE indication sees Sta3 and can dispatch Evt7', () => {
    const ctx = new RecordingContext();
    const m = new UpperLayerStateMachine(ctx, 'Sta2');
    let seen: State | undefined;
    ctx.indicate = (i) => {
      seen = m.state;
      if (i.type === 'A-ASSOCIATE indication') m.dispatch(sampleEvent('Evt7'));
    };
    m.dispatch(sampleEvent('Evt6'));
    assert.equal(seen, 'Sta3');
    assert.equal(m.state, 'Sta6');
  });
});
