// Instances for the Q/R end-to-end tests, beyond makeDataset(): person names in ISO 2022
// (Japanese, PS3.5 H.3.1) and UTF-8, and one long series to have something to cancel.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataSet, encodePart10, generateUid, writeDataSet } from '@pacs/dicom';

const CT_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.2';
const EXPLICIT_LE = '1.2.840.10008.1.2.1';

export interface WrittenInstance {
  path: string;
  sopInstanceUid: string;
  studyInstanceUid: string;
  seriesInstanceUid: string;
  /** The data set part of the file, as sent. */
  dataSet: Buffer;
}

export interface InstanceSpec {
  /** Values of (0008,0005). */
  charset: string[];
  /** (0010,0010) as the bytes to store (already encoded for `charset`). */
  patientName: Buffer;
  patientId: string;
  studyInstanceUid: string;
  seriesInstanceUid: string;
  studyDate: string;
  instanceNumber: number;
}

export function writeInstance(dir: string, spec: InstanceSpec): WrittenInstance {
  const sopInstanceUid = generateUid();
  const ds = new DataSet()
    .setStrings(0x00080016, CT_IMAGE_STORAGE)
    .setStrings(0x00080018, sopInstanceUid)
    .setStrings(0x00080020, spec.studyDate)
    .setStrings(0x00080030, '120000')
    .setStrings(0x00080060, 'CT')
    .setBytes(0x00100010, 'PN', spec.patientName.length % 2 ? Buffer.concat([spec.patientName, Buffer.from(' ')]) : spec.patientName)
    .setStrings(0x00100020, spec.patientId)
    .setStrings(0x0020000d, spec.studyInstanceUid)
    .setStrings(0x0020000e, spec.seriesInstanceUid)
    .setStrings(0x00200011, '1')
    .setStrings(0x00200013, String(spec.instanceNumber))
    .setNumbers(0x00280002, 1)
    .setStrings(0x00280004, 'MONOCHROME2')
    .setNumbers(0x00280010, 2)
    .setNumbers(0x00280011, 2)
    .setNumbers(0x00280100, 16)
    .setNumbers(0x00280101, 12)
    .setNumbers(0x00280102, 11)
    .setNumbers(0x00280103, 0)
    .setBytes(0x7fe00010, 'OW', Buffer.alloc(8, spec.instanceNumber & 0xff))
    // Last: the ASCII values above are the same bytes under any character set, and the
    // (ISO 2022) name is given as bytes.
    .setStrings(0x00080005, spec.charset, 'CS');
  const dataSet = writeDataSet(ds, EXPLICIT_LE);
  const path = join(dir, `${spec.patientId}-${sopInstanceUid}.dcm`);
  writeFileSync(path, encodePart10({ mediaStorageSopClassUid: CT_IMAGE_STORAGE, mediaStorageSopInstanceUid: sopInstanceUid, transferSyntaxUid: EXPLICIT_LE } as Parameters<typeof encodePart10>[0], dataSet));
  return { path, sopInstanceUid, studyInstanceUid: spec.studyInstanceUid, seriesInstanceUid: spec.seriesInstanceUid, dataSet };
}

/** PS3.5 H.3.1: "Yamada^Tarou=山田^太郎" in ISO 2022 IR 87 with its escape sequences. */
export const YAMADA_ISO_2022 = Buffer.from('Yamada^Tarou=\x1b$B;3ED\x1b(B^\x1b$BB@O:\x1b(B', 'latin1');
export const YAMADA = 'Yamada^Tarou=山田^太郎';
/** PS3.5 J.1 (ISO_IR 192). */
export const WANG = 'Wang^XiaoDong=王^小東';

export function namedInstances(dir: string): { yamada: WrittenInstance; wang: WrittenInstance } {
  const one = (charset: string[], patientName: Buffer, patientId: string): WrittenInstance =>
    writeInstance(dir, { charset, patientName, patientId, studyInstanceUid: generateUid(), seriesInstanceUid: generateUid(), studyDate: '20250601', instanceNumber: 1 });
  return {
    yamada: one(['', 'ISO 2022 IR 87'], YAMADA_ISO_2022, 'JP-0001'),
    wang: one(['ISO_IR 192'], Buffer.from(WANG, 'utf8'), 'CN-0001'),
  };
}

/** One study of `count` small instances in one series (patient BULK). */
export function longSeries(dir: string, count: number): WrittenInstance[] {
  const studyInstanceUid = generateUid();
  const seriesInstanceUid = generateUid();
  return Array.from({ length: count }, (_, i) =>
    writeInstance(dir, { charset: ['ISO_IR 100'], patientName: Buffer.from('BULK^SERIES'), patientId: 'BULK', studyInstanceUid, seriesInstanceUid, studyDate: '20240301', instanceNumber: i + 1 }));
}
