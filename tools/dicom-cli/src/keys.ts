// -k Key=Value / -k (gggg,eeee)=Value / -k Key (return key), -L LEVEL and the Q/R model flags,
// as findscu and movescu take them.
import { DataSet, InvalidTagError, lookupTag, parseTag, QueryRetrieveModel, UnsupportedCharacterSetError, type Vr } from '@pacs/dicom';
import type { OptionSpec, ParsedArgs } from './args';
import { UsageError } from './exit-codes';

export const QUERY_OPTIONS: readonly OptionSpec[] = [
  { names: ['-k', '--key'], value: true, repeatable: true },
  { names: ['-L', '--level'], value: true },
  { names: ['-P', '--patient'], value: false },
  { names: ['-S', '--study'], value: false },
  { names: ['-O', '--psonly'], value: false },
];

const LEVELS = new Set(['PATIENT', 'STUDY', 'SERIES', 'IMAGE']);
const NUMERIC_VRS = new Set(['US', 'SS', 'UL', 'SL', 'FL', 'FD', 'UV', 'SV']);
const QUERY_RETRIEVE_LEVEL = 0x00080052;
const SPECIFIC_CHARACTER_SET = 0x00080005;

export type ModelFamily = 'patient-root' | 'study-root' | 'patient-study-only';

export function modelFamily(args: ParsedArgs): ModelFamily {
  const chosen = (['-P', '-S', '-O'] as const).filter((f) => args.flags.has(f));
  if (chosen.length > 1) throw new UsageError('give only one of -P, -S, -O');
  return chosen[0] === '-P' ? 'patient-root' : chosen[0] === '-O' ? 'patient-study-only' : 'study-root';
}

export function modelUid(family: ModelFamily, operation: 'Find' | 'Move' | 'Get'): string {
  const prefix = family === 'patient-root' ? 'PatientRoot' : family === 'study-root' ? 'StudyRoot' : 'PatientStudyOnly';
  return QueryRetrieveModel[`${prefix}${operation}` as keyof typeof QueryRetrieveModel];
}

function setKey(identifier: DataSet, spec: string): void {
  const eq = spec.indexOf('=');
  const name = eq < 0 ? spec : spec.slice(0, eq);
  const value = eq < 0 ? '' : spec.slice(eq + 1);
  let tag: number;
  try {
    tag = parseTag(name);
  } catch (err) {
    if (err instanceof InvalidTagError) throw new UsageError(`unknown key "${name}"`);
    throw err;
  }
  const vr = (lookupTag(tag)?.vr.split('|')[0] || 'LO') as Vr;
  if (vr === 'SQ') {
    if (value !== '') throw new UsageError(`${name} is a sequence: give it without a value`);
    identifier.setSequence(tag, []);
    return;
  }
  if (NUMERIC_VRS.has(vr)) {
    const numbers = value === '' ? [] : value.split('\\').map(Number);
    if (numbers.some((n) => !Number.isFinite(n))) throw new UsageError(`${name} takes numbers, got "${value}"`);
    identifier.setNumbers(tag, numbers, vr);
    return;
  }
  try {
    identifier.setStrings(tag, value === '' ? [] : value.split('\\'), vr);
  } catch (err) {
    if (err instanceof UnsupportedCharacterSetError) throw new UsageError(err.message);
    throw new UsageError(`${name}: ${(err as Error).message}`);
  }
}

/** The identifier: -L sets (0008,0052); later -k win over earlier ones for the same key. */
export function identifierFrom(args: ParsedArgs): DataSet {
  const identifier = new DataSet();
  const keys = args.options.get('-k') ?? [];
  // The character set first: the other values are encoded in it.
  const charset = keys.find((k) => /^(SpecificCharacterSet|\(?0008,0005\)?)=/i.test(k));
  if (charset) setKey(identifier, charset);
  const level = args.options.get('-L')?.[0]?.toUpperCase();
  if (level !== undefined) {
    if (!LEVELS.has(level)) throw new UsageError(`-L must be one of ${[...LEVELS].join(', ')}`);
    identifier.setStrings(QUERY_RETRIEVE_LEVEL, level, 'CS');
  }
  for (const key of keys) if (key !== charset) setKey(identifier, key);
  if (!identifier.has(QUERY_RETRIEVE_LEVEL)) throw new UsageError('the query/retrieve level is required: -L STUDY or -k QueryRetrieveLevel=STUDY');
  if (identifier.has(SPECIFIC_CHARACTER_SET) && identifier.size === 1) throw new UsageError('no keys given');
  return identifier;
}
