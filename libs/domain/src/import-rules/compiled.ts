import type { Vr } from '@pacs/dicom';

// Rules after compileImportRules(): tags parsed, patterns compiled, values checked.

export interface CompiledCondition {
  tag: number;
  test(value: string | undefined, present: boolean): boolean;
}

export interface CompiledMatch {
  calledAe?: RegExp;
  callingAe?: RegExp;
  modality?: RegExp[];
  sopClassUids?: ReadonlySet<string>;
  attributes: CompiledCondition[];
}

export type CompiledAction =
  | { kind: 'set'; tag: number; vr: Vr; strings: string[] | undefined; numbers: number[] | undefined }
  | { kind: 'delete'; tag: number }
  | { kind: 'copy'; from: number; to: number }
  | { kind: 'newUids'; except: ReadonlySet<number>; secret: string }
  | { kind: 'reject'; status: number; comment: string }
  | { kind: 'tier'; tier: string };

export interface CompiledImportRule {
  name: string;
  silent: boolean;
  match: CompiledMatch;
  actions: CompiledAction[];
}
