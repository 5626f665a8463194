// PS3.5 §7.1: a data set is an ordered collection of data elements. Parsed order is kept
// as received (so a rewrite is byte-exact); new tags are inserted in ascending order.
import type { DataElement, EncapsulatedElement, SequenceElement, ValueElement } from './data-element';
import { implicitVr } from './dictionary';
import { parseSpecificCharacterSet } from './charset/specific-character-set';
import { bytesToBigInts, bytesToNumbers, bytesToString, bytesToStrings, numbersToBytes, stringsToBytes } from './values';
import { SPECIFIC_CHARACTER_SET } from './tag';
import type { Vr } from './vr';

const NO_CHARACTER_SET: readonly string[] = [];

export class DataSet implements Iterable<DataElement> {
  private elements = new Map<number, DataElement>();
  #lastTag = -1;
  // Private (#) so structural equality of two data sets ignores where they are nested.
  #parent: DataSet | undefined;
  /** specificCharacterSet() of the (0008,0005) bytes it was parsed from. */
  #charset: { from: Buffer; values: readonly string[] } | undefined;

  /** `parent` is the data set holding the sequence this one is an item of: it supplies (0008,0005). */
  constructor(parent?: DataSet) {
    this.#parent = parent;
  }

  get parent(): DataSet | undefined {
    return this.#parent;
  }

  get size(): number {
    return this.elements.size;
  }

  [Symbol.iterator](): Iterator<DataElement> {
    return this.elements.values();
  }

  tags(): IterableIterator<number> {
    return this.elements.keys();
  }

  has(tag: number): boolean {
    return this.elements.has(tag >>> 0);
  }

  get(tag: number): DataElement | undefined {
    return this.elements.get(tag >>> 0);
  }

  /** Adds or replaces an element; a replaced element keeps its position. */
  set(element: DataElement): this {
    const tag = element.tag >>> 0;
    if (this.elements.has(tag) || tag > this.#lastTag) {
      this.elements.set(tag, element);
      if (tag > this.#lastTag) this.#lastTag = tag;
      return this;
    }
    const sorted = new Map<number, DataElement>();
    let inserted = false;
    for (const [t, e] of this.elements) {
      if (!inserted && t > tag) {
        sorted.set(tag, element);
        inserted = true;
      }
      sorted.set(t, e);
    }
    this.elements = sorted;
    return this;
  }

  /** Appends in arrival order without sorting: what a reader does. */
  append(element: DataElement): void {
    const tag = element.tag >>> 0;
    this.elements.set(tag, element);
    if (tag > this.#lastTag) this.#lastTag = tag;
  }

  delete(tag: number): boolean {
    return this.elements.delete(tag >>> 0);
  }

  /** (0008,0005) of this data set, else the one inherited from the enclosing data set (PS3.5 §6.1.2.4). */
  specificCharacterSet(): readonly string[] {
    const own = this.elements.get(SPECIFIC_CHARACTER_SET);
    if (own?.kind !== 'value') return this.#parent ? this.#parent.specificCharacterSet() : NO_CHARACTER_SET;
    // Asked for each text value decoded: parsed again only when the element's bytes are others.
    if (this.#charset?.from !== own.value) this.#charset = { from: own.value, values: parseSpecificCharacterSet(own.value.toString('latin1')) };
    return this.#charset.values;
  }

  private value(tag: number): ValueElement | undefined {
    const e = this.elements.get(tag >>> 0);
    return e?.kind === 'value' ? e : undefined;
  }

  getBytes(tag: number): Buffer | undefined {
    return this.value(tag)?.value;
  }

  /** The whole value as text (charset-decoded, padding trimmed); multiple values stay backslash-joined. */
  getString(tag: number): string | undefined {
    const e = this.value(tag);
    return e ? bytesToString(e.value, e.vr, this.specificCharacterSet()) : undefined;
  }

  getStrings(tag: number): string[] | undefined {
    const e = this.value(tag);
    return e ? bytesToStrings(e.value, e.vr, this.specificCharacterSet()) : undefined;
  }

  /** A UID value with trailing NUL padding removed (PS3.5 §9.1). */
  getUid(tag: number): string | undefined {
    const e = this.value(tag);
    return e ? bytesToString(e.value, 'UI', []) : undefined;
  }

  getNumbers(tag: number): number[] | undefined {
    const e = this.value(tag);
    return e ? bytesToNumbers(e.value, e.vr) : undefined;
  }

  getNumber(tag: number, index = 0): number | undefined {
    return this.getNumbers(tag)?.[index];
  }

  getBigInts(tag: number): bigint[] | undefined {
    const e = this.value(tag);
    return e ? bytesToBigInts(e.value, e.vr) : undefined;
  }

  getItems(tag: number): DataSet[] | undefined {
    const e = this.elements.get(tag >>> 0);
    return e?.kind === 'sequence' ? e.items.map((i) => i.dataSet) : undefined;
  }

  getFragments(tag: number): Buffer[] | undefined {
    const e = this.elements.get(tag >>> 0);
    return e?.kind === 'encapsulated' ? e.fragments : undefined;
  }

  setBytes(tag: number, vr: string, value: Buffer): this {
    return this.set({ kind: 'value', tag, vr, value });
  }

  /** Sets string values, encoded with this data set's character set and padded to even length. */
  setStrings(tag: number, values: string | readonly string[], vr: Vr = implicitVr(tag)): this {
    const list = typeof values === 'string' ? [values] : values;
    const charset = tag === SPECIFIC_CHARACTER_SET ? [] : this.specificCharacterSet();
    return this.set({ kind: 'value', tag, vr, value: stringsToBytes(list, vr, charset) });
  }

  setNumbers(tag: number, values: number | readonly number[], vr: Vr = implicitVr(tag)): this {
    const list = typeof values === 'number' ? [values] : values;
    return this.set({ kind: 'value', tag, vr, value: numbersToBytes(list, vr) });
  }

  /** Sets a sequence of items; the items are re-parented to this data set. */
  setSequence(tag: number, items: readonly DataSet[], undefinedLength = true): this {
    const element: SequenceElement = {
      kind: 'sequence',
      tag,
      vr: 'SQ',
      undefinedLength,
      items: items.map((ds) => {
        ds.#parent = this;
        return { dataSet: ds, undefinedLength };
      }),
    };
    return this.set(element);
  }

  setFragments(tag: number, fragments: Buffer[], vr = 'OB'): this {
    const element: EncapsulatedElement = { kind: 'encapsulated', tag, vr, fragments };
    return this.set(element);
  }
}
