// PS3.10 §7.1 DICOM File Meta Information: 128-byte preamble, "DICM", group 0002 in Explicit VR LE.
import { DataSet } from './data-set';
import { DicomParseError } from './errors';
import { DataSetReader } from './reader';
import { TransferSyntaxUid } from './transfer-syntax';
import { IMPLEMENTATION_CLASS_UID, IMPLEMENTATION_VERSION_NAME } from './uid';
import { encodeDataSet } from './writer';

export const PREAMBLE_LENGTH = 128;
const EXPLICIT_LE = { explicitVr: true, littleEndian: true } as const;

export const FileMetaTag = {
  FileMetaInformationGroupLength: 0x00020000,
  FileMetaInformationVersion: 0x00020001,
  MediaStorageSOPClassUID: 0x00020002,
  MediaStorageSOPInstanceUID: 0x00020003,
  TransferSyntaxUID: 0x00020010,
  ImplementationClassUID: 0x00020012,
  ImplementationVersionName: 0x00020013,
  SourceApplicationEntityTitle: 0x00020016,
  SendingApplicationEntityTitle: 0x00020017,
  ReceivingApplicationEntityTitle: 0x00020018,
  PrivateInformationCreatorUID: 0x00020100,
  PrivateInformation: 0x00020102,
} as const;

export interface FileMetaInformationInput {
  mediaStorageSopClassUid: string;
  mediaStorageSopInstanceUid: string;
  transferSyntaxUid: string;
  implementationClassUid?: string;
  implementationVersionName?: string;
  sourceApplicationEntityTitle?: string;
}

export interface FileMetaInformation {
  fileMetaInformationVersion?: Buffer;
  mediaStorageSopClassUid?: string;
  mediaStorageSopInstanceUid?: string;
  transferSyntaxUid: string;
  implementationClassUid?: string;
  implementationVersionName?: string;
  sourceApplicationEntityTitle?: string;
  sendingApplicationEntityTitle?: string;
  receivingApplicationEntityTitle?: string;
}

/** Preamble (zeros), "DICM" and group 0002 with its group length, ready to be followed by the data set. */
export function encodeFileMetaInformation(input: FileMetaInformationInput): Buffer {
  const group = new DataSet();
  group.setBytes(FileMetaTag.FileMetaInformationVersion, 'OB', Buffer.from([0x00, 0x01]));
  group.setStrings(FileMetaTag.MediaStorageSOPClassUID, input.mediaStorageSopClassUid, 'UI');
  group.setStrings(FileMetaTag.MediaStorageSOPInstanceUID, input.mediaStorageSopInstanceUid, 'UI');
  group.setStrings(FileMetaTag.TransferSyntaxUID, input.transferSyntaxUid, 'UI');
  group.setStrings(FileMetaTag.ImplementationClassUID, input.implementationClassUid ?? IMPLEMENTATION_CLASS_UID, 'UI');
  group.setStrings(FileMetaTag.ImplementationVersionName, input.implementationVersionName ?? IMPLEMENTATION_VERSION_NAME, 'SH');
  if (input.sourceApplicationEntityTitle) group.setStrings(FileMetaTag.SourceApplicationEntityTitle, input.sourceApplicationEntityTitle, 'AE');
  const body = encodeDataSet(group, EXPLICIT_LE);
  const out = Buffer.alloc(PREAMBLE_LENGTH + 4 + 12 + body.length);
  out.write('DICM', PREAMBLE_LENGTH, 'latin1');
  let p = PREAMBLE_LENGTH + 4;
  p = out.writeUInt16LE(0x0002, p);
  p = out.writeUInt16LE(0x0000, p);
  p += out.write('UL', p, 'latin1');
  p = out.writeUInt16LE(4, p);
  p = out.writeUInt32LE(body.length, p);
  body.copy(out, p);
  return out;
}

/**
 * Reads the preamble, "DICM" and group 0002. Elements are read while their group is 0002
 * rather than trusting (0002,0000), which some writers get wrong. Works on a prefix of a file.
 */
export function readFileMetaInformation(buffer: Buffer): { meta: FileMetaInformation; dataSet: DataSet; dataSetOffset: number } {
  if (buffer.length < PREAMBLE_LENGTH + 4) {
    throw new DicomParseError('truncated', 'input shorter than preamble and "DICM"', buffer.length, undefined, PREAMBLE_LENGTH + 4);
  }
  if (buffer.toString('latin1', PREAMBLE_LENGTH, PREAMBLE_LENGTH + 4) !== 'DICM') {
    throw new DicomParseError('invalid-file-meta', 'no "DICM" prefix after the 128-byte preamble', PREAMBLE_LENGTH);
  }
  const reader = new DataSetReader(buffer, EXPLICIT_LE);
  const dataSet = new DataSet();
  let pos = PREAMBLE_LENGTH + 4;
  while (pos + 2 <= buffer.length && buffer.readUInt16LE(pos) === 0x0002) {
    const { element, next } = reader.readElement(pos, buffer.length, 0, dataSet);
    dataSet.append(element);
    pos = next;
  }
  // (0002,0000) is not trusted to find the end, but it does tell a short prefix from a whole group.
  const groupLength = dataSet.getNumber(FileMetaTag.FileMetaInformationGroupLength);
  const declaredEnd = groupLength === undefined ? pos : PREAMBLE_LENGTH + 4 + 12 + groupLength;
  if (pos >= buffer.length - 1 && declaredEnd > pos) {
    throw new DicomParseError('truncated', 'input ends inside file meta information', pos, undefined, declaredEnd);
  }
  const transferSyntaxUid = dataSet.getUid(FileMetaTag.TransferSyntaxUID);
  if (!transferSyntaxUid) {
    throw new DicomParseError('invalid-file-meta', 'file meta information has no Transfer Syntax UID', pos, FileMetaTag.TransferSyntaxUID);
  }
  const meta: FileMetaInformation = { transferSyntaxUid };
  const version = dataSet.getBytes(FileMetaTag.FileMetaInformationVersion);
  if (version) meta.fileMetaInformationVersion = version;
  const uid = (tag: number): string | undefined => dataSet.getUid(tag);
  const text = (tag: number): string | undefined => dataSet.getString(tag);
  assign(meta, 'mediaStorageSopClassUid', uid(FileMetaTag.MediaStorageSOPClassUID));
  assign(meta, 'mediaStorageSopInstanceUid', uid(FileMetaTag.MediaStorageSOPInstanceUID));
  assign(meta, 'implementationClassUid', uid(FileMetaTag.ImplementationClassUID));
  assign(meta, 'implementationVersionName', text(FileMetaTag.ImplementationVersionName));
  assign(meta, 'sourceApplicationEntityTitle', text(FileMetaTag.SourceApplicationEntityTitle));
  assign(meta, 'sendingApplicationEntityTitle', text(FileMetaTag.SendingApplicationEntityTitle));
  assign(meta, 'receivingApplicationEntityTitle', text(FileMetaTag.ReceivingApplicationEntityTitle));
  return { meta, dataSet, dataSetOffset: pos };
}

function assign<K extends keyof FileMetaInformation>(meta: FileMetaInformation, key: K, value: FileMetaInformation[K] | undefined): void {
  if (value !== undefined) meta[key] = value;
}

/** A whole Part 10 file: file meta followed by the data set already encoded in `transferSyntaxUid`. */
export function encodePart10(input: FileMetaInformationInput, dataSetBytes: Buffer): Buffer {
  return Buffer.concat([encodeFileMetaInformation(input), dataSetBytes]);
}

export const FILE_META_TRANSFER_SYNTAX = TransferSyntaxUid.ExplicitVRLittleEndian;

/**
 * The file meta when `bytes` (the start of a Part 10 object, read in pieces) hold all of it and
 * at least the start of the data set; undefined while more bytes are needed.
 */
export function readFileMetaIfComplete(bytes: Buffer): ReturnType<typeof readFileMetaInformation> | undefined {
  try {
    const result = readFileMetaInformation(bytes);
    return result.dataSetOffset + 8 <= bytes.length ? result : undefined;
  } catch (err) {
    if (err instanceof DicomParseError && err.reason === 'truncated') return undefined;
    throw err;
  }
}
