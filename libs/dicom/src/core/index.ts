export type { Vr, VrInfo } from './vr';
export { VR_INFO, UNKNOWN_VR_INFO, isVr, vrInfo } from './vr';
export type { Tag } from './tag';
export {
  makeTag, tagGroup, tagElement, formatTag, parseTag, InvalidTagError,
  ITEM, ITEM_DELIMITATION_ITEM, SEQUENCE_DELIMITATION_ITEM, PIXEL_DATA, SPECIFIC_CHARACTER_SET, UNDEFINED_LENGTH,
} from './tag';
export type { DictionaryEntry } from './dictionary';
export { lookupTag, lookupKeyword, tagForKeyword, isPrivateGroup, implicitVr } from './dictionary';
export type { TransferSyntax, PixelDataEncoding } from './transfer-syntax';
export { TRANSFER_SYNTAXES, TransferSyntaxUid, findTransferSyntax, dataSetEncoding } from './transfer-syntax';
export type { DicomParseReason } from './errors';
export { DicomParseError, DicomEncodeError } from './errors';
export type { DataElement, ValueElement, SequenceElement, SequenceItem, EncapsulatedElement } from './data-element';
export { DataSet } from './data-set';
export type { ReadOptions, DataSetEncoding } from './reader';
export { readDataSet } from './reader';
export { writeDataSet, writeDataSetChunks, encodeDataSet } from './writer';
export type { CollectedHeader, HeaderStop, HeaderCollectorOptions } from './header-collector';
export { HeaderCollector } from './header-collector';
export type { FileMetaInformation, FileMetaInformationInput } from './file-meta';
export { encodeFileMetaInformation, readFileMetaInformation, readFileMetaIfComplete, encodePart10, FileMetaTag, PREAMBLE_LENGTH } from './file-meta';
export {
  isValidUid, assertValidUid, generateUid, InvalidUidError, UID_MAX_LENGTH,
  IMPLEMENTATION_CLASS_UID, IMPLEMENTATION_VERSION_NAME,
} from './uid';
export { decodeText } from './charset/decode';
export { encodeText, parseSpecificCharacterSet, UnsupportedCharacterSetError } from './charset/specific-character-set';
export type { PersonName, PersonNameComponents } from './charset/person-name';
export { parsePersonName, formatPersonName } from './charset/person-name';
export { bytesToString, bytesToStrings, bytesToNumbers, bytesToBigInts, stringsToBytes, numbersToBytes, padEven } from './values';
export type { DicomJson, DicomJsonAttribute, DicomJsonValue, DicomJsonPersonName, DicomJsonErrorReason } from './json/dicom-json';
export { DicomJsonError, jsonKey } from './json/dicom-json';
export { toDicomJson, elementToDicomJson } from './json/to-json';
export type { FromDicomJsonOptions } from './json/from-json';
export { fromDicomJson } from './json/from-json';
export { DataSetEndCheck, checkedToEnd } from './data-set-end-check';
export type { Part10Header } from './part10-header';
export { readPart10Header } from './part10-header';
