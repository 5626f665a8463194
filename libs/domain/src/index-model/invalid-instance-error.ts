// The keys without which an instance cannot be indexed; the listener maps this error to a
// C-STORE failure status (PS3.4 Table B.2-1) and names the attribute in the Error Comment.
import { formatTag } from '@pacs/dicom';

export type InstanceKeyAttribute = 'StudyInstanceUID' | 'SeriesInstanceUID' | 'SOPInstanceUID' | 'SOPClassUID';

export const INSTANCE_KEY_TAGS: Readonly<Record<InstanceKeyAttribute, number>> = {
  StudyInstanceUID: 0x0020000d,
  SeriesInstanceUID: 0x0020000e,
  SOPInstanceUID: 0x00080018,
  SOPClassUID: 0x00080016,
};

export class InvalidInstanceError extends Error {
  override readonly name = 'InvalidInstanceError';
  readonly tag: number;
  constructor(
    readonly attribute: InstanceKeyAttribute,
    readonly problem: 'missing' | 'invalid',
    /** The value found, for 'invalid'. */
    readonly value?: string,
  ) {
    const tag = INSTANCE_KEY_TAGS[attribute];
    super(problem === 'missing'
      ? `${attribute} ${formatTag(tag)} is missing or empty`
      : `${attribute} ${formatTag(tag)} is not a valid UID (PS3.5 §9.1): ${JSON.stringify(value)}`);
    this.tag = tag;
  }
}
