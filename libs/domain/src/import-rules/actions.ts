import {
  DataSet, implicitVr, numbersToBytes, stringsToBytes, tagElement, UnsupportedCharacterSetError, vrInfo, type DataElement,
} from '@pacs/dicom';
import type { CompiledAction } from './compiled';
import { ImportRuleFailedError } from './errors';
import { remapUids } from './new-uids';

type DataAction = Exclude<CompiledAction, { kind: 'reject' } | { kind: 'tier' }>;

/** Carries out one data set action in place; returns the top-level tags it changed. */
export function applyAction(ds: DataSet, action: DataAction, rule: string): number[] {
  switch (action.kind) {
    case 'set':
      return setAttribute(ds, action, rule);
    case 'delete':
      return ds.delete(action.tag) ? [action.tag] : [];
    case 'copy':
      return copyAttribute(ds, action.from, action.to);
    case 'newUids':
      return remapUids(ds, action.secret, action.except);
  }
}

function setAttribute(ds: DataSet, action: Extract<DataAction, { kind: 'set' }>, rule: string): number[] {
  let value: Buffer;
  try {
    value = action.strings ? stringsToBytes(action.strings, action.vr, ds.specificCharacterSet()) : numbersToBytes(action.numbers ?? [], action.vr);
  } catch (err) {
    if (err instanceof UnsupportedCharacterSetError) throw new ImportRuleFailedError(rule, `value not encodable in the data set's Specific Character Set: ${err.message}`);
    throw err;
  }
  const existing = ds.get(action.tag);
  if (existing?.kind === 'value' && existing.vr === action.vr && existing.value.equals(value)) return [];
  ds.set({ kind: 'value', tag: action.tag, vr: action.vr, value });
  return [action.tag];
}

function copyAttribute(ds: DataSet, from: number, to: number): number[] {
  const source = ds.get(from);
  if (!source) return [];
  const existing = ds.get(to);
  if (source.kind === 'value') {
    // The target's dictionary VR, unless it is unknown or of another kind (text vs binary).
    const dictionaryVr = implicitVr(to);
    const vr = dictionaryVr !== 'UN' && vrInfo(dictionaryVr).kind === vrInfo(source.vr).kind ? dictionaryVr : source.vr;
    if (existing?.kind === 'value' && existing.vr === vr && existing.value.equals(source.value)) return [];
    ds.set({ kind: 'value', tag: to, vr, value: source.value });
    return [to];
  }
  ds.set(cloneElement(source, to, ds));
  return [to];
}

/** A deep copy, so later actions (newUids) on one copy never reach the other. */
function cloneElement(element: DataElement, tag: number, parent: DataSet): DataElement {
  if (element.kind !== 'sequence') return { ...element, tag };
  return {
    ...element,
    tag,
    items: element.items.map((item) => ({ undefinedLength: item.undefinedLength, dataSet: cloneDataSet(item.dataSet, parent) })),
  };
}

function cloneDataSet(ds: DataSet, parent: DataSet): DataSet {
  const copy = new DataSet(parent);
  for (const e of ds) copy.append(cloneElement(e, e.tag, copy));
  return copy;
}

/**
 * Group lengths (gggg,0000) are retired in data sets (PS3.5 §7.2) and would be wrong after a
 * change: a modified data set is written without them, at every depth.
 */
export function dropGroupLengths(ds: DataSet): void {
  for (const element of [...ds]) {
    if (tagElement(element.tag) === 0x0000) ds.delete(element.tag);
    else if (element.kind === 'sequence') for (const item of element.items) dropGroupLengths(item.dataSet);
  }
}
