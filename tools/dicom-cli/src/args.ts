// DCMTK-style command line: single-dash long options (-aet, -aec), repeatable -k, positionals.
import { UsageError } from './exit-codes';

export interface OptionSpec {
  /** All spellings, e.g. ['-aet', '--aetitle']. */
  names: readonly string[];
  value: boolean;
  repeatable?: boolean;
}

export interface ParsedArgs {
  options: Map<string, string[]>;
  flags: Set<string>;
  positionals: string[];
}

/** Keys of the result are each spec's first name. */
export function parseArgs(argv: readonly string[], specs: readonly OptionSpec[]): ParsedArgs {
  const byName = new Map<string, OptionSpec>();
  for (const spec of specs) for (const name of spec.names) byName.set(name, spec);
  const options = new Map<string, string[]>();
  const flags = new Set<string>();
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || /^-\d/.test(arg)) {
      positionals.push(arg);
      continue;
    }
    const [name, inline] = arg.includes('=') && arg.startsWith('--') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const spec = byName.get(name);
    if (!spec) throw new UsageError(`unknown option ${name}`);
    const key = spec.names[0]!;
    if (!spec.value) {
      flags.add(key);
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined) throw new UsageError(`${name} needs a value`);
    const list = options.get(key) ?? [];
    if (list.length > 0 && !spec.repeatable) throw new UsageError(`${name} given twice`);
    list.push(value);
    options.set(key, list);
  }
  return { options, flags, positionals };
}

export function single(args: ParsedArgs, key: string): string | undefined {
  return args.options.get(key)?.[0];
}

export function integer(args: ParsedArgs, key: string, fallback: number, min = 1): number {
  const raw = single(args, key);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`${key} must be an integer ≥ ${min}, got "${raw}"`);
  return n;
}
