// PS3.5 §7.1 data element tags as a single unsigned 32-bit number: group << 16 | element.
import { tagForKeyword } from './dictionary';
export { formatTag } from './tag-format';

export type Tag = number;

export function makeTag(group: number, element: number): Tag {
  return ((group << 16) | (element & 0xffff)) >>> 0;
}
export function tagGroup(tag: Tag): number {
  return tag >>> 16;
}
export function tagElement(tag: Tag): number {
  return tag & 0xffff;
}

/** PS3.5 §7.5: item and delimiter tags, which carry no VR in any transfer syntax. */
export const ITEM = 0xfffee000;
export const ITEM_DELIMITATION_ITEM = 0xfffee00d;
export const SEQUENCE_DELIMITATION_ITEM = 0xfffee0dd;
export const PIXEL_DATA = 0x7fe00010;
export const SPECIFIC_CHARACTER_SET = 0x00080005;
export const UNDEFINED_LENGTH = 0xffffffff;

export class InvalidTagError extends Error {
  override readonly name = 'InvalidTagError';
  constructor(readonly input: string) {
    super(`not a tag or dictionary keyword: ${JSON.stringify(input)}`);
  }
}

const HEX_TAG = /^\(?\s*([0-9a-f]{4})\s*,?\s*([0-9a-f]{4})\s*\)?$/i;

/** Accepts `(0010,0010)`, `0010,0010`, `00100010` or a PS3.6 keyword such as `PatientName`. */
export function parseTag(input: string): Tag {
  const m = HEX_TAG.exec(input.trim());
  if (m) {
    const [, group = '', element = ''] = m;
    return makeTag(parseInt(group, 16), parseInt(element, 16));
  }
  const tag = tagForKeyword(input.trim());
  if (tag === undefined) throw new InvalidTagError(input);
  return tag;
}
