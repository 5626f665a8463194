// Actions of the upper layer protocol machine, PS3.8 §9.2.2 (Tables 9-6 to 9-9). Each
// returns the next state; only AE-6 and AR-8 have two possible next states.
import { AbortSource, ProviderAbortReason } from '../pdu';
import type { UpperLayerContext } from './context';
import type { UpperLayerEvent } from './events';
import type { State } from './states';

export type ActionName =
  | 'AE-1' | 'AE-2' | 'AE-3' | 'AE-4' | 'AE-5' | 'AE-6' | 'AE-7' | 'AE-8'
  | 'DT-1' | 'DT-2'
  | 'AR-1' | 'AR-2' | 'AR-3' | 'AR-4' | 'AR-5' | 'AR-6' | 'AR-7' | 'AR-8' | 'AR-9' | 'AR-10'
  | 'AA-1' | 'AA-2' | 'AA-3' | 'AA-4' | 'AA-5' | 'AA-6' | 'AA-7' | 'AA-8';

export type Action = (ctx: UpperLayerContext, input: UpperLayerEvent) => State;

export interface ActionDefinition {
  description: string;
  nextStates: readonly State[];
  run: Action;
}

/** Unexpected valid PDUs abort with "unexpected-PDU"; invalid ones with the decoder's reason. */
function providerReason(input: UpperLayerEvent): number {
  if (input.event === 'Evt19') return input.error?.abortReason ?? ProviderAbortReason.ReasonNotSpecified;
  return ProviderAbortReason.UnexpectedPdu;
}

function need<E extends UpperLayerEvent['event']>(input: UpperLayerEvent, event: E): Extract<UpperLayerEvent, { event: E }> {
  if (input.event !== event) throw new TypeError(`action expects ${event}, got ${input.event}`);
  return input as Extract<UpperLayerEvent, { event: E }>;
}

const pdvOf = (input: UpperLayerEvent) => need(input, 'Evt9').pdv;

export const ACTIONS: Readonly<Record<ActionName, ActionDefinition>> = {
  'AE-1': {
    description: 'Issue TRANSPORT CONNECT request primitive to local transport service',
    nextStates: ['Sta4'],
    run: (ctx) => {
      ctx.connectTransport();
      return 'Sta4';
    },
  },
  'AE-2': {
    description: 'Send A-ASSOCIATE-RQ-PDU',
    nextStates: ['Sta5'],
    run: (ctx, input) => {
      ctx.sendPdu(need(input, 'Evt2').rq);
      return 'Sta5';
    },
  },
  'AE-3': {
    description: 'Issue A-ASSOCIATE confirmation (accept) primitive',
    nextStates: ['Sta6'],
    run: (ctx, input) => {
      ctx.indicate({ type: 'A-ASSOCIATE confirmation (accept)', ac: need(input, 'Evt3').pdu });
      return 'Sta6';
    },
  },
  'AE-4': {
    description: 'Issue A-ASSOCIATE confirmation (reject) primitive and close transport connection',
    nextStates: ['Sta1'],
    run: (ctx, input) => {
      ctx.indicate({ type: 'A-ASSOCIATE confirmation (reject)', rj: need(input, 'Evt4').pdu });
      ctx.closeTransport();
      return 'Sta1';
    },
  },
  'AE-5': {
    description: 'Issue Transport connection response primitive; start ARTIM timer',
    nextStates: ['Sta2'],
    run: (ctx) => {
      ctx.startArtim();
      return 'Sta2';
    },
  },
  'AE-6': {
    description:
      'Stop ARTIM timer and if A-ASSOCIATE-RQ acceptable by service-provider: issue A-ASSOCIATE indication primitive (Sta3); otherwise issue A-ASSOCIATE-RJ-PDU and start ARTIM timer (Sta13)',
    nextStates: ['Sta3', 'Sta13'],
    run: (ctx, input) => {
      const rq = need(input, 'Evt6').pdu;
      ctx.stopArtim();
      const rj = ctx.providerRejection(rq);
      if (rj === undefined) {
        ctx.indicate({ type: 'A-ASSOCIATE indication', rq });
        return 'Sta3';
      }
      ctx.sendPdu(rj);
      ctx.startArtim();
      return 'Sta13';
    },
  },
  'AE-7': {
    description: 'Send A-ASSOCIATE-AC PDU',
    nextStates: ['Sta6'],
    run: (ctx, input) => {
      ctx.sendPdu(need(input, 'Evt7').pdu);
      return 'Sta6';
    },
  },
  'AE-8': {
    description: 'Send A-ASSOCIATE-RJ PDU and start ARTIM timer',
    nextStates: ['Sta13'],
    run: (ctx, input) => {
      ctx.sendPdu(need(input, 'Evt8').pdu);
      ctx.startArtim();
      return 'Sta13';
    },
  },
  'DT-1': {
    description: 'Send P-DATA-TF PDU',
    nextStates: ['Sta6'],
    run: (ctx, input) => {
      ctx.sendPdv(pdvOf(input));
      return 'Sta6';
    },
  },
  'DT-2': {
    description: 'Send P-DATA indication primitive',
    nextStates: ['Sta6'],
    run: (ctx, input) => {
      ctx.indicate({ type: 'P-DATA indication', pdu: need(input, 'Evt10').pdu });
      return 'Sta6';
    },
  },
  'AR-1': {
    description: 'Send A-RELEASE-RQ PDU',
    nextStates: ['Sta7'],
    run: (ctx) => {
      ctx.sendPdu({ type: 'A-RELEASE-RQ' });
      return 'Sta7';
    },
  },
  'AR-2': {
    description: 'Issue A-RELEASE indication primitive',
    nextStates: ['Sta8'],
    run: (ctx) => {
      ctx.indicate({ type: 'A-RELEASE indication', collision: false });
      return 'Sta8';
    },
  },
  'AR-3': {
    description: 'Issue A-RELEASE confirmation primitive, and close transport connection',
    nextStates: ['Sta1'],
    run: (ctx) => {
      ctx.indicate({ type: 'A-RELEASE confirmation' });
      ctx.closeTransport();
      return 'Sta1';
    },
  },
  'AR-4': {
    description: 'Issue A-RELEASE-RP PDU and start ARTIM timer',
    nextStates: ['Sta13'],
    run: (ctx) => {
      ctx.sendPdu({ type: 'A-RELEASE-RP' });
      ctx.startArtim();
      return 'Sta13';
    },
  },
  'AR-5': {
    description: 'Stop ARTIM timer',
    nextStates: ['Sta1'],
    run: (ctx) => {
      ctx.stopArtim();
      return 'Sta1';
    },
  },
  'AR-6': {
    description: 'Issue P-DATA indication',
    nextStates: ['Sta7'],
    run: (ctx, input) => {
      ctx.indicate({ type: 'P-DATA indication', pdu: need(input, 'Evt10').pdu });
      return 'Sta7';
    },
  },
  'AR-7': {
    description: 'Issue P-DATA-TF PDU',
    nextStates: ['Sta8'],
    run: (ctx, input) => {
      ctx.sendPdv(pdvOf(input));
      return 'Sta8';
    },
  },
  'AR-8': {
    description:
      'Issue A-RELEASE indication (release collision): if association-requestor, next state is Sta9, if not next state is Sta10',
    nextStates: ['Sta9', 'Sta10'],
    run: (ctx) => {
      ctx.indicate({ type: 'A-RELEASE indication', collision: true });
      return ctx.isRequestor ? 'Sta9' : 'Sta10';
    },
  },
  'AR-9': {
    description: 'Send A-RELEASE-RP PDU',
    nextStates: ['Sta11'],
    run: (ctx) => {
      ctx.sendPdu({ type: 'A-RELEASE-RP' });
      return 'Sta11';
    },
  },
  'AR-10': {
    description: 'Issue A-RELEASE confirmation primitive',
    nextStates: ['Sta12'],
    run: (ctx) => {
      ctx.indicate({ type: 'A-RELEASE confirmation' });
      return 'Sta12';
    },
  },
  'AA-1': {
    description: 'Send A-ABORT PDU (service-user source) and start (or restart if already started) ARTIM timer',
    nextStates: ['Sta13'],
    run: (ctx, input) => {
      const explicit = input.event === 'Evt15' ? input : undefined;
      ctx.sendPdu({ type: 'A-ABORT', source: explicit?.source ?? AbortSource.ServiceUser, reason: explicit?.reason ?? 0 });
      ctx.stopArtim();
      ctx.startArtim();
      return 'Sta13';
    },
  },
  'AA-2': {
    description: 'Stop ARTIM timer if running. Close transport connection',
    nextStates: ['Sta1'],
    run: (ctx) => {
      ctx.stopArtim();
      ctx.closeTransport();
      return 'Sta1';
    },
  },
  'AA-3': {
    description:
      'If (service-user initiated abort): issue A-ABORT indication and close transport connection; otherwise (service-provider initiated abort): issue A-P-ABORT indication and close transport connection',
    nextStates: ['Sta1'],
    run: (ctx, input) => {
      const { source, reason } = need(input, 'Evt16').pdu;
      if (source === AbortSource.ServiceUser) ctx.indicate({ type: 'A-ABORT indication', source, reason });
      else ctx.indicate({ type: 'A-P-ABORT indication', source, reason, cause: 'peer' });
      ctx.closeTransport();
      return 'Sta1';
    },
  },
  'AA-4': {
    description: 'Issue A-P-ABORT indication primitive',
    nextStates: ['Sta1'],
    run: (ctx) => {
      ctx.indicate({
        type: 'A-P-ABORT indication',
        source: AbortSource.ServiceProvider,
        reason: ProviderAbortReason.ReasonNotSpecified,
        cause: 'transport',
      });
      return 'Sta1';
    },
  },
  'AA-5': {
    description: 'Stop ARTIM timer',
    nextStates: ['Sta1'],
    run: (ctx) => {
      ctx.stopArtim();
      return 'Sta1';
    },
  },
  'AA-6': {
    description: 'Ignore PDU',
    nextStates: ['Sta13'],
    run: () => 'Sta13',
  },
  'AA-7': {
    description: 'Send A-ABORT PDU',
    nextStates: ['Sta13'],
    run: (ctx, input) => {
      ctx.sendPdu({ type: 'A-ABORT', source: AbortSource.ServiceProvider, reason: providerReason(input) });
      return 'Sta13';
    },
  },
  'AA-8': {
    description: 'Send A-ABORT PDU (service-provider source), issue an A-P-ABORT indication, and start ARTIM timer',
    nextStates: ['Sta13'],
    run: (ctx, input) => {
      const reason = providerReason(input);
      ctx.sendPdu({ type: 'A-ABORT', source: AbortSource.ServiceProvider, reason });
      ctx.indicate({ type: 'A-P-ABORT indication', source: AbortSource.ServiceProvider, reason, cause: 'local' });
      ctx.startArtim();
      return 'Sta13';
    },
  },
};
