// Events of the DICOM upper layer protocol machine, PS3.8 §9.2.1 (Table 9-10 rows).
import type { AAbort, AAssociateAc, AAssociateRj, AAssociateRq, AReleaseRp, AReleaseRq, PDataTf, Pdu, PduDecodeError, Pdv } from '../pdu';

export const EVENTS = {
  Evt1: 'A-ASSOCIATE request (local user)',
  Evt2: 'Transport connect confirmation (local transport service)',
  Evt3: 'A-ASSOCIATE-AC PDU (received on transport connection)',
  Evt4: 'A-ASSOCIATE-RJ PDU (received on transport connection)',
  Evt5: 'Transport connection indication (local transport service)',
  Evt6: 'A-ASSOCIATE-RQ PDU (received on transport connection)',
  Evt7: 'A-ASSOCIATE response primitive (accept)',
  Evt8: 'A-ASSOCIATE response primitive (reject)',
  Evt9: 'P-DATA request primitive',
  Evt10: 'P-DATA-TF PDU (received on transport connection)',
  Evt11: 'A-RELEASE request primitive',
  Evt12: 'A-RELEASE-RQ PDU (received on transport connection)',
  Evt13: 'A-RELEASE-RP PDU (received on transport connection)',
  Evt14: 'A-RELEASE response primitive',
  Evt15: 'A-ABORT request primitive',
  Evt16: 'A-ABORT PDU (received on transport connection)',
  Evt17: 'Transport connection closed indication (local transport service)',
  Evt18: 'ARTIM timer expired (Association reject/release timer)',
  Evt19: 'Unrecognized or invalid PDU received',
} as const;

export type EventName = keyof typeof EVENTS;
export const EVENT_NAMES = Object.keys(EVENTS) as EventName[];

/** An event with the data its action needs. */
export type UpperLayerEvent =
  | { event: 'Evt1'; rq: AAssociateRq }
  | { event: 'Evt2'; rq: AAssociateRq }
  | { event: 'Evt3'; pdu: AAssociateAc }
  | { event: 'Evt4'; pdu: AAssociateRj }
  | { event: 'Evt5' }
  | { event: 'Evt6'; pdu: AAssociateRq }
  | { event: 'Evt7'; pdu: AAssociateAc }
  | { event: 'Evt8'; pdu: AAssociateRj }
  | { event: 'Evt9'; pdv: Pdv }
  | { event: 'Evt10'; pdu: PDataTf }
  | { event: 'Evt11' }
  | { event: 'Evt12'; pdu: AReleaseRq }
  | { event: 'Evt13'; pdu: AReleaseRp }
  | { event: 'Evt14' }
  | { event: 'Evt15'; source?: number; reason?: number }
  | { event: 'Evt16'; pdu: AAbort }
  | { event: 'Evt17' }
  | { event: 'Evt18' }
  | { event: 'Evt19'; error?: PduDecodeError };

/** The event raised by a PDU received on the transport connection. */
export function receivedPduEvent(pdu: Pdu): UpperLayerEvent {
  switch (pdu.type) {
    case 'A-ASSOCIATE-RQ':
      return { event: 'Evt6', pdu };
    case 'A-ASSOCIATE-AC':
      return { event: 'Evt3', pdu };
    case 'A-ASSOCIATE-RJ':
      return { event: 'Evt4', pdu };
    case 'P-DATA-TF':
      return { event: 'Evt10', pdu };
    case 'A-RELEASE-RQ':
      return { event: 'Evt12', pdu };
    case 'A-RELEASE-RP':
      return { event: 'Evt13', pdu };
    case 'A-ABORT':
      return { event: 'Evt16', pdu };
  }
}
