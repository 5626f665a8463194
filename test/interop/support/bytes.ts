// Data set parts of Part 10 files for byte-exact comparisons, and the two re-encodings DCMTK
// applies when it sends a file (so the expectation is computed here, not by another tool).
import { readFileSync } from 'node:fs';
import { readFileMetaInformation } from '@pacs/dicom';

export function dataSetPart(path: string): Buffer {
  const bytes = readFileSync(path);
  const { dataSetOffset } = readFileMetaInformation(bytes);
  return bytes.subarray(dataSetOffset);
}

export function transferSyntaxOf(path: string): string {
  return readFileMetaInformation(readFileSync(path)).meta.transferSyntaxUid;
}

/**
 * DCMTK (dcmdata's dcmAcceptOddAttributeLength, on by default) pads an odd-length value with
 * one 0x00 byte when it reads a file, so storescu sends it padded. The odd-lengths fixture
 * has exactly two such elements, (0029,1004) LO and (0029,1005) OB; both are re-created here.
 */
export function padOddLengthFixture(dataSet: Buffer): Buffer {
  const lo = Buffer.from([0x29, 0x00, 0x04, 0x10, 0x4c, 0x4f, 0x03, 0x00]);
  const ob = Buffer.from([0x29, 0x00, 0x05, 0x10, 0x4f, 0x42, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00]);
  const at = dataSet.indexOf(lo);
  const obAt = dataSet.indexOf(ob);
  if (at < 0 || obAt !== at + lo.length + 3) throw new Error('odd-lengths fixture layout not as expected');
  return Buffer.concat([
    dataSet.subarray(0, at),
    Buffer.from([0x29, 0x00, 0x04, 0x10, 0x4c, 0x4f, 0x04, 0x00]),
    dataSet.subarray(at + lo.length, at + lo.length + 3),
    Buffer.from([0x00]),
    Buffer.from([0x29, 0x00, 0x05, 0x10, 0x4f, 0x42, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00]),
    dataSet.subarray(obAt + ob.length, obAt + ob.length + 3),
    Buffer.from([0x00]),
    dataSet.subarray(obAt + ob.length + 3),
  ]);
}
