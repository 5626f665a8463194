import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataSet, encodePart10, generateUid, writeDataSet } from '@pacs/dicom';

const CT_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.2';
const EXPLICIT_LE = '1.2.840.10008.1.2.1';

export interface DatasetShape {
  patients: number;
  studiesPerPatient: number;
  seriesPerStudy: number;
  instancesPerSeries: number;
  /** Rows = columns of the 16-bit pixel data. */
  size: number;
}

export interface GeneratedInstance {
  path: string;
  sopInstanceUid: string;
  studyInstanceUid: string;
  seriesInstanceUid: string;
  patientId: string;
  /** The data set part of the file, as sent. */
  dataSet: Buffer;
}

/**
 * Writes a synthetic CT data set as Part 10 files (Explicit VR LE), with the full
 * patient/study/series hierarchy, a private block, a nested sequence
 * and pixel data; deterministic apart from the UIDs. Sequences have defined lengths and values
 * even lengths, because DCMTK's storescu re-encodes anything else on the way (so the bytes a
 * peer receives from it are exactly the file's data set part).
 */
export function makeDataset(dir: string, shape: DatasetShape): GeneratedInstance[] {
  mkdirSync(dir, { recursive: true });
  const out: GeneratedInstance[] = [];
  const pixels = Buffer.alloc(shape.size * shape.size * 2);
  for (let i = 0; i < pixels.length; i += 2) pixels.writeUInt16LE((i * 7919) % 4096, i);
  for (let p = 0; p < shape.patients; p++) {
    const patientId = `PID${String(p).padStart(4, '0')}`;
    for (let s = 0; s < shape.studiesPerPatient; s++) {
      const studyInstanceUid = generateUid();
      for (let r = 0; r < shape.seriesPerStudy; r++) {
        const seriesInstanceUid = generateUid();
        for (let i = 0; i < shape.instancesPerSeries; i++) {
          const sopInstanceUid = generateUid();
          const ds = new DataSet()
            .setStrings(0x00080005, 'ISO_IR 100')
            .setStrings(0x00080016, CT_IMAGE_STORAGE)
            .setStrings(0x00080018, sopInstanceUid)
            .setStrings(0x00080020, `2026${String((s % 12) + 1).padStart(2, '0')}15`)
            .setStrings(0x00080030, '101500')
            .setStrings(0x00080050, `ACC${p}${s}`)
            .setStrings(0x00080060, 'CT')
            .setStrings(0x00081030, `Study ${s} of ${patientId}`)
            .setStrings(0x0008103e, `Series ${r}`)
            .setStrings(0x00100010, `TEST^PATIENT${p}`)
            .setStrings(0x00100020, patientId)
            .setStrings(0x00100030, '19700101')
            .setStrings(0x00100040, p % 2 ? 'F' : 'M')
            .setStrings(0x0020000d, studyInstanceUid)
            .setStrings(0x0020000e, seriesInstanceUid)
            .setStrings(0x00200010, String(s + 1))
            .setStrings(0x00200011, String(r + 1))
            .setStrings(0x00200013, String(i + 1))
            .setSequence(0x00081110, [new DataSet().setStrings(0x00081150, '1.2.840.10008.3.1.2.3.1').setStrings(0x00081155, generateUid())], false)
            .setStrings(0x00290010, 'PACS TEST PRIVATE')
            .setBytes(0x00291001, 'OB', Buffer.from([1, 2, 3, 4]))
            .setNumbers(0x00280002, 1)
            .setStrings(0x00280004, 'MONOCHROME2')
            .setNumbers(0x00280010, shape.size)
            .setNumbers(0x00280011, shape.size)
            .setNumbers(0x00280100, 16)
            .setNumbers(0x00280101, 12)
            .setNumbers(0x00280102, 11)
            .setNumbers(0x00280103, 0)
            .setBytes(0x7fe00010, 'OW', pixels);
          const dataSet = writeDataSet(ds, EXPLICIT_LE);
          const path = join(dir, `${patientId}-${s}-${r}-${String(i).padStart(5, '0')}.dcm`);
          writeFileSync(path, encodePart10({
            mediaStorageSopClassUid: CT_IMAGE_STORAGE, mediaStorageSopInstanceUid: sopInstanceUid, transferSyntaxUid: EXPLICIT_LE,
          } as Parameters<typeof encodePart10>[0], dataSet));
          out.push({ path, sopInstanceUid, studyInstanceUid, seriesInstanceUid, patientId, dataSet });
        }
      }
    }
  }
  return out;
}
