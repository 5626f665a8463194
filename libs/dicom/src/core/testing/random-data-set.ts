// Seeded random data sets for the codec's round-trip property tests (not exported by the lib).
import { DataSet } from '../data-set';
import type { DataElement, SequenceItem } from '../data-element';
import { implicitVr, lookupTag } from '../dictionary';
import { STANDARD_ELEMENTS } from '../generated/dictionary';
import { PIXEL_DATA } from '../tag';
import { vrInfo } from '../vr';

/** mulberry32: small, fast, good enough for test data. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Syntax = 'implicit' | 'explicit';

interface Gen {
  rnd: () => number;
  int(max: number): number;
  pick<T>(list: readonly T[]): T;
}

function gen(seed: number): Gen {
  const rnd = seededRandom(seed);
  return {
    rnd,
    int: (max) => Math.floor(rnd() * max),
    pick: <T>(list: readonly T[]) => list[Math.floor(rnd() * list.length)] as T,
  };
}

const eligible = STANDARD_ELEMENTS.filter(([tag, e]) => {
  const group = tag >>> 16;
  return group >= 0x0008 && group < 0x7fe0 && e[0] !== '' && e[0] !== 'SQ' && (tag & 0xffff) !== 0;
}).map(([tag]) => tag);
const sequenceTags = STANDARD_ELEMENTS.filter(([tag, e]) => e[0] === 'SQ' && tag >>> 16 >= 0x0008).map(([tag]) => tag);
const EXPLICIT_VRS = ['AE', 'AS', 'AT', 'CS', 'DA', 'DS', 'DT', 'FD', 'FL', 'IS', 'LO', 'LT', 'OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'PN', 'SH', 'SL', 'SS', 'ST', 'SV', 'TM', 'UC', 'UI', 'UL', 'UN', 'UR', 'US', 'UT', 'UV', 'ZZ'];

function randomBytes(g: Gen, max: number): Buffer {
  const n = g.int(max + 1);
  const b = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) b[i] = g.int(256);
  return b;
}

function privateTag(g: Gen): number {
  const group = 0x0009 + 2 * g.int(0x3000);
  return ((group << 16) | (0x1000 + g.int(0xf000))) >>> 0;
}

function valueElement(g: Gen, tag: number, syntax: Syntax): DataElement {
  const vr = syntax === 'implicit' ? implicitVr(tag) : lookupTag(tag) && g.rnd() < 0.7 ? implicitVr(tag) : g.pick(EXPLICIT_VRS);
  const max = vrInfo(vr).explicitLengthSize === 2 ? 40 : 300;
  return { kind: 'value', tag, vr, value: randomBytes(g, max) };
}

function sequenceElement(g: Gen, tag: number, syntax: Syntax, depth: number, parent: DataSet, privateTagged: boolean): DataElement {
  // Implicit VR can only tell a sequence from a value by the dictionary or an undefined length.
  const asUn = syntax === 'explicit' && g.rnd() < 0.2;
  const undefinedLength = privateTagged && (syntax === 'implicit' || asUn) ? true : asUn || g.rnd() < 0.5;
  const itemSyntax: Syntax = asUn ? 'implicit' : syntax;
  const items: SequenceItem[] = [];
  const count = g.int(3);
  for (let i = 0; i < count; i++) {
    const ds = new DataSet(parent);
    fill(g, ds, itemSyntax, depth + 1, 1 + g.int(5));
    items.push({ dataSet: ds, undefinedLength: g.rnd() < 0.5 });
  }
  return { kind: 'sequence', tag, vr: asUn ? 'UN' : 'SQ', items, undefinedLength };
}

function fill(g: Gen, ds: DataSet, syntax: Syntax, depth: number, count: number): void {
  const tags = new Set<number>();
  while (tags.size < count) tags.add(g.rnd() < 0.3 ? privateTag(g) : g.pick(eligible));
  if (depth < 3) {
    tags.add(g.rnd() < 0.3 ? privateTag(g) : g.pick(sequenceTags));
  }
  for (const tag of [...tags].sort((a, b) => a - b)) {
    const isSequenceTag = lookupTag(tag)?.vr === 'SQ';
    const isPrivate = ((tag >>> 16) & 1) === 1;
    const makeSequence = isSequenceTag || (depth < 3 && isPrivate && g.rnd() < 0.3);
    ds.append(makeSequence ? sequenceElement(g, tag, syntax, depth, ds, isPrivate) : valueElement(g, tag, syntax));
  }
}

/** A random data set valid for the given kind of VR encoding, nested up to 3 sequences deep. */
export function randomDataSet(seed: number, syntax: Syntax, options: { encapsulatedPixelData?: boolean } = {}): DataSet {
  const g = gen(seed);
  const ds = new DataSet();
  fill(g, ds, syntax, 0, 3 + g.int(20));
  if (options.encapsulatedPixelData ?? g.rnd() < 0.3) {
    const fragments = [randomBytes(g, 16)];
    for (let i = 0, n = 1 + g.int(3); i < n; i++) fragments.push(randomBytes(g, 100));
    ds.append({ kind: 'encapsulated', tag: PIXEL_DATA, vr: 'OB', fragments });
  }
  return ds;
}
