// Shared by the ul specs: a context that records what actions do, and sample events.
import { PduDecodeError, ProviderAbortReason, type AAssociateRj, type AAssociateRq, type Pdu, type Pdv } from '../pdu';
import type { Indication, UpperLayerContext } from './context';
import type { EventName, UpperLayerEvent } from './events';

export class RecordingContext implements UpperLayerContext {
  readonly calls: string[] = [];
  readonly sent: Pdu[] = [];
  readonly pdvs: Pdv[] = [];
  readonly indications: Indication[] = [];
  rejection: AAssociateRj | undefined;

  constructor(readonly isRequestor = false) {}

  connectTransport(): void {
    this.calls.push('connectTransport');
  }
  closeTransport(): void {
    this.calls.push('closeTransport');
  }
  sendPdu(pdu: Pdu): void {
    this.calls.push(`send ${pdu.type}`);
    this.sent.push(pdu);
  }
  sendPdv(pdv: Pdv): void {
    this.calls.push('send P-DATA-TF');
    this.pdvs.push(pdv);
  }
  startArtim(): void {
    this.calls.push('startArtim');
  }
  stopArtim(): void {
    this.calls.push('stopArtim');
  }
  indicate(indication: Indication): void {
    this.calls.push(indication.type);
    this.indications.push(indication);
  }
  providerRejection(): AAssociateRj | undefined {
    return this.rejection;
  }
}

export const sampleRq: AAssociateRq = {
  type: 'A-ASSOCIATE-RQ',
  protocolVersion: 1,
  calledAeTitle: 'PACS',
  callingAeTitle: 'CT1',
  applicationContextName: '1.2.840.10008.3.1.1.1',
  presentationContexts: [{ id: 1, abstractSyntax: '1.2.840.10008.1.1', transferSyntaxes: ['1.2.840.10008.1.2'] }],
  userInformation: [{ type: 'maximum-length', maximumLength: 16384 }],
};

const pdv: Pdv = { presentationContextId: 1, isCommand: true, isLast: true, data: Buffer.from([0]) };

/** A representative input for each event. */
export function sampleEvent(event: EventName): UpperLayerEvent {
  switch (event) {
    case 'Evt1':
    case 'Evt2':
      return { event, rq: sampleRq };
    case 'Evt3':
    case 'Evt7':
      return { event, pdu: { ...sampleRq, type: 'A-ASSOCIATE-AC', presentationContexts: [{ id: 1, result: 0, transferSyntax: '1.2.840.10008.1.2' }] } };
    case 'Evt4':
    case 'Evt8':
      return { event, pdu: { type: 'A-ASSOCIATE-RJ', result: 1, source: 1, reason: 7 } };
    case 'Evt6':
      return { event, pdu: sampleRq };
    case 'Evt9':
      return { event, pdv };
    case 'Evt10':
      return { event, pdu: { type: 'P-DATA-TF', pdvs: [pdv] } };
    case 'Evt12':
      return { event, pdu: { type: 'A-RELEASE-RQ' } };
    case 'Evt13':
      return { event, pdu: { type: 'A-RELEASE-RP' } };
    case 'Evt16':
      return { event, pdu: { type: 'A-ABORT', source: 0, reason: 0 } };
    case 'Evt19':
      return { event, error: new PduDecodeError(ProviderAbortReason.InvalidPduParameterValue, 'test') };
    case 'Evt5':
    case 'Evt11':
    case 'Evt14':
    case 'Evt15':
    case 'Evt17':
    case 'Evt18':
      return { event };
  }
}
