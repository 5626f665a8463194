// PS3.5 §7: data elements as read, kept as the raw bytes received so anything we do not
// interpret (private tags, odd lengths, DS/IS text, unknown VRs) is written back unchanged.
import type { DataSet } from './data-set';

/** A primitive value. `value` is little-endian: big-endian input is swapped on read and back on write. */
export interface ValueElement {
  readonly kind: 'value';
  readonly tag: number;
  /** The VR as found (explicit) or assumed from the dictionary (implicit); may be an unknown code. */
  readonly vr: string;
  readonly value: Buffer;
}

/** PS3.5 §7.5 items; `undefinedLength` records the encoding so a rewrite is byte-exact. */
export interface SequenceItem {
  readonly dataSet: DataSet;
  readonly undefinedLength: boolean;
}

export interface SequenceElement {
  readonly kind: 'sequence';
  readonly tag: number;
  /** "SQ", or "UN" for an undefined-length UN (PS3.5 §6.2.2), whose items are Implicit VR LE. */
  readonly vr: string;
  readonly items: SequenceItem[];
  readonly undefinedLength: boolean;
}

/** PS3.5 §A.4 encapsulated pixel data: fragments[0] is the Basic Offset Table (maybe empty). */
export interface EncapsulatedElement {
  readonly kind: 'encapsulated';
  readonly tag: number;
  readonly vr: string;
  readonly fragments: Buffer[];
}

export type DataElement = ValueElement | SequenceElement | EncapsulatedElement;
