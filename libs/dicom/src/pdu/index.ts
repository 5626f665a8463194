export * from './abort-reasons';
export * from './reject-reasons';
export * from './pdu-types';
export { PduDecodeError, PduEncodeError } from './pdu-error';
export { DEFAULT_MAX_PDU_LENGTH, decodePdu, encodePdu, encodedPduLength, pduNameOf, type DecodeOptions } from './pdu-codec';
export { PduReader, type PduReaderOptions } from './pdu-reader';
export { PDU_HEADER_LENGTH, PDV_HEADER_LENGTH, pDataTfHeader } from './p-data-tf';
export { ItemType, userInformationSubItems } from './items';
export { findUserInformation, filterUserInformation } from './user-information';
