// P-DATA-TF, PS3.8 §9.3.5 (Table 9-22), PDV item §9.3.5.1 and message control header Annex E.2.
import { invalidValue } from './pdu-error';
import type { Field } from './fields';
import type { PDataTf, Pdv } from './pdu-types';
import { PduType } from './pdu-types';

/** PDV item length (4) + presentation context id (1) + message control header (1). */
export const PDV_HEADER_LENGTH = 6;
/** PDU type (1) + reserved (1) + PDU length (4). */
export const PDU_HEADER_LENGTH = 6;

const COMMAND_BIT = 0x01;
const LAST_BIT = 0x02;

export const pDataTfBody: Field<Omit<PDataTf, 'type'>> = {
  size: (v) => v.pdvs.reduce((n, pdv) => n + PDV_HEADER_LENGTH + pdv.data.length, 0),
  write: (w, v) => {
    for (const pdv of v.pdvs) {
      w.u32(2 + pdv.data.length, 'PDV item length');
      w.u8(pdv.presentationContextId, 'presentation context id');
      w.u8((pdv.isCommand ? COMMAND_BIT : 0) | (pdv.isLast ? LAST_BIT : 0), 'message control header');
      w.bytes(pdv.data);
    }
  },
  read: (r) => {
    const pdvs: Pdv[] = [];
    while (r.remaining > 0) {
      const length = r.u32('PDV item length');
      if (length < 2) throw invalidValue(`PDV item length ${length} is shorter than its 2-byte header`);
      const presentationContextId = r.u8('presentation context id');
      const control = r.u8('message control header');
      pdvs.push({
        presentationContextId,
        isCommand: (control & COMMAND_BIT) !== 0,
        isLast: (control & LAST_BIT) !== 0,
        data: r.bytes(length - 2, 'PDV data'),
      });
    }
    if (pdvs.length === 0) throw invalidValue('P-DATA-TF without any PDV item');
    return { pdvs };
  },
};

/**
 * Header of a P-DATA-TF carrying exactly one PDV of `dataLength` bytes. Written before the
 * payload so the payload itself goes to the socket as is, never copied into a PDU buffer.
 */
export function pDataTfHeader(presentationContextId: number, isCommand: boolean, isLast: boolean, dataLength: number): Buffer {
  const b = Buffer.allocUnsafe(PDU_HEADER_LENGTH + PDV_HEADER_LENGTH);
  b[0] = PduType['P-DATA-TF'];
  b[1] = 0;
  b.writeUInt32BE(PDV_HEADER_LENGTH + dataLength, 2);
  b.writeUInt32BE(2 + dataLength, 6);
  b[10] = presentationContextId;
  b[11] = (isCommand ? COMMAND_BIT : 0) | (isLast ? LAST_BIT : 0);
  return b;
}
