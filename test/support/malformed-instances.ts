import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodePart10, readDataSet, writeDataSet } from '@pacs/dicom';
import type { GeneratedInstance } from './make-dataset';

const EXPLICIT_LE = '1.2.840.10008.1.2.1';
const SOP_INSTANCE_UID = 0x00080018;
const STUDY_INSTANCE_UID = 0x0020000d;

/** A C-STORE a conforming SCP must refuse: what the command says and the data set it carries. */
export interface MalformedInstance {
  /** What is wrong with it, for test output. */
  name: string;
  sopClassUid: string;
  /** Affected SOP Instance UID of the C-STORE-RQ. */
  commandSopInstanceUid: string;
  /** Every SOP Instance UID involved: none may reach the index. */
  sopInstanceUids: string[];
  studyInstanceUid: string;
  /** The data set as sent (Explicit VR Little Endian), without file meta. */
  dataSet: Buffer;
  /** The same as a Part 10 file, for storescu (which refuses to send some of them). */
  path: string;
  /**
   * Only a raw sender can send it: storescu takes the command's SOP Instance UID from the data
   * set, so from the file it sends a well-formed instance (under the data set's UID).
   */
  wireOnly: boolean;
}

type Variant = (source: GeneratedInstance) => Omit<MalformedInstance, 'sopClassUid' | 'path' | 'wireOnly'> & { wireOnly?: boolean };

function withUid(source: GeneratedInstance, tag: number, value: string | undefined): Buffer {
  const ds = readDataSet(source.dataSet, EXPLICIT_LE);
  if (value === undefined) ds.delete(tag);
  else ds.setStrings(tag, value);
  return writeDataSet(ds, EXPLICIT_LE);
}

/** Offset of the SOP Instance UID's value in an Explicit VR LE data set (after its 8-byte header). */
function sopInstanceUidValueOffset(source: GeneratedInstance): number {
  const header = Buffer.from([0x08, 0x00, 0x18, 0x00, 0x55, 0x49]);
  const at = source.dataSet.indexOf(header);
  if (at < 0) throw new RangeError(`no (0008,0018) UI element in ${source.path}`);
  return at + 8;
}

const VARIANTS: Variant[] = [
  (s) => ({
    name: 'truncated inside Pixel Data',
    commandSopInstanceUid: s.sopInstanceUid, sopInstanceUids: [s.sopInstanceUid], studyInstanceUid: s.studyInstanceUid,
    dataSet: s.dataSet.subarray(0, s.dataSet.length - Math.floor(s.dataSet.length / 4)),
  }),
  (s) => ({
    name: 'truncated inside the SOP Instance UID value',
    commandSopInstanceUid: s.sopInstanceUid, sopInstanceUids: [s.sopInstanceUid], studyInstanceUid: s.studyInstanceUid,
    dataSet: s.dataSet.subarray(0, sopInstanceUidValueOffset(s) + 5),
  }),
  (s) => {
    // (0008,0000) UL whose length field says 6 while the value has the UL's 4 bytes: every
    // element after it is read two bytes off.
    const groupLength = Buffer.from([0x08, 0x00, 0x00, 0x00, 0x55, 0x4c, 0x06, 0x00, 0x10, 0x00, 0x00, 0x00]);
    return {
      name: 'group length (0008,0000) with a wrong length field',
      commandSopInstanceUid: s.sopInstanceUid, sopInstanceUids: [s.sopInstanceUid], studyInstanceUid: s.studyInstanceUid,
      dataSet: Buffer.concat([groupLength, s.dataSet]),
    };
  },
  (s) => ({
    name: 'SOP Instance UID missing from the data set',
    commandSopInstanceUid: s.sopInstanceUid, sopInstanceUids: [s.sopInstanceUid], studyInstanceUid: s.studyInstanceUid,
    dataSet: withUid(s, SOP_INSTANCE_UID, undefined),
  }),
  (s) => ({
    name: 'SOP Instance UID of the data set differs from the command',
    wireOnly: true,
    commandSopInstanceUid: s.sopInstanceUid, sopInstanceUids: [s.sopInstanceUid, `${s.sopInstanceUid}.1`], studyInstanceUid: s.studyInstanceUid,
    dataSet: withUid(s, SOP_INSTANCE_UID, `${s.sopInstanceUid}.1`),
  }),
  (s) => ({
    name: 'SOP Instance UID with letters (command and data set)',
    commandSopInstanceUid: `${s.sopInstanceUid}.ab`, sopInstanceUids: [s.sopInstanceUid, `${s.sopInstanceUid}.ab`], studyInstanceUid: s.studyInstanceUid,
    dataSet: withUid(s, SOP_INSTANCE_UID, `${s.sopInstanceUid}.ab`),
  }),
  (s) => ({
    name: 'Study Instance UID with a path in it',
    commandSopInstanceUid: s.sopInstanceUid, sopInstanceUids: [s.sopInstanceUid], studyInstanceUid: `${s.studyInstanceUid}/../..`,
    dataSet: withUid(s, STUDY_INSTANCE_UID, `${s.studyInstanceUid}/../..`),
  }),
];

/** How many well-formed instances makeMalformedInstances needs (one per kind of damage). */
export const MALFORMED_KINDS = VARIANTS.length;

/**
 * Damages well-formed instances (one per kind, each keeping its own UIDs) the ways a broken
 * modality or a cut connection would: truncation, a wrong length field, missing or mismatched
 * SOP Instance UID, UIDs with characters PS3.5 §9.1 forbids. Writes a Part 10 file of each.
 */
export function makeMalformedInstances(dir: string, sources: readonly GeneratedInstance[], sopClassUid: string): MalformedInstance[] {
  if (sources.length < VARIANTS.length) throw new RangeError(`${VARIANTS.length} source instances needed, ${sources.length} given`);
  return VARIANTS.map((variant, i) => {
    const damaged = variant(sources[i]!);
    const path = join(dir, `malformed-${i}.dcm`);
    writeFileSync(path, encodePart10({
      mediaStorageSopClassUid: sopClassUid, mediaStorageSopInstanceUid: damaged.commandSopInstanceUid, transferSyntaxUid: EXPLICIT_LE,
    } as Parameters<typeof encodePart10>[0], damaged.dataSet));
    return { ...damaged, wireOnly: damaged.wireOnly ?? false, sopClassUid, path };
  });
}
