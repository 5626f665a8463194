import { createHash } from 'node:crypto';
import { stringify } from 'yaml';
import { GoTypeError, formatFloat64, formatValue, goEqual, goQuote, isTrue, kindOf, type GoMap, type GoValue } from './go-values';

// The function table of the supported subset, each with the parameter types and behaviour of
// its Helm/sprig original. Go's text/template refuses an argument whose type does not match
// a typed parameter (a float64 where sprig declares int, a number where it declares string);
// so do these. Where Helm would silently render garbage (printf "%d" of a float64, "%s" of a
// number) these throw, so the chart's tests fail instead of shipping the garbage.

export interface CallContext {
  include(name: string, data: GoValue): string;
}

type Fn = (args: GoValue[], ctx: CallContext) => GoValue;

/** and/or receive thunks: text/template evaluates their arguments lazily (Go 1.18+). */
export type LazyFn = (args: (() => GoValue)[]) => GoValue;

function arity(name: string, args: GoValue[], min: number, max = min): void {
  if (args.length < min || args.length > max) {
    const want = min === max ? String(min) : max === Infinity ? `at least ${String(min)}` : `${String(min)}-${String(max)}`;
    throw new GoTypeError(`wrong number of args for ${name}: want ${want} got ${String(args.length)}`);
  }
}

function str(name: string, v: GoValue, what: string): string {
  if (typeof v !== 'string') throw new GoTypeError(`${name}: wrong type for ${what}; expected string; got ${kindOf(v)}`);
  return v;
}

function int(name: string, v: GoValue, what: string): number {
  if (typeof v !== 'bigint') {
    throw new GoTypeError(`${name}: wrong type for ${what}; expected int; got ${kindOf(v)}${typeof v === 'number' ? ' (numbers from values are float64 in Helm)' : ''}`);
  }
  return Number(v);
}

/** sprig's strval: what quote and dict keys print. */
function strval(name: string, v: GoValue): string {
  try {
    return formatValue(v, '<nil>');
  } catch (err) {
    throw new GoTypeError(`${name}: ${(err as Error).message}`);
  }
}

/** cast.ToInt64 as sprig's add/mul use it, minus its silent 0 for strings and maps. */
function toInt64(name: string, v: GoValue): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return BigInt(Math.trunc(v));
  if (typeof v === 'boolean') return v ? 1n : 0n;
  throw new GoTypeError(`${name}: cannot use ${kindOf(v)} as a number (Helm would silently use 0)`);
}

function indent(spaces: number, s: string): string {
  const pad = ' '.repeat(spaces);
  return pad + s.split('\n').join(`\n${pad}`);
}

function toYaml(v: GoValue): string {
  // Helm: sigs.k8s.io/yaml (keys sorted, sequences not indented under their key), without the
  // final newline. Strings that YAML 1.1 would read as something else are quoted.
  return stringify(v, { version: '1.1', sortMapEntries: true, indentSeq: false, lineWidth: 0 }).replace(/\n$/, '');
}

function printf(args: GoValue[]): string {
  const format = str('printf', args[0] ?? null, 'format');
  let next = 1;
  const out = format.replace(/%([%sdvq]|.)/g, (whole, verb: string) => {
    if (verb === '%') return '%';
    if (!'sdvq'.includes(verb)) throw new GoTypeError(`printf: verb %${verb} is outside the supported subset (%s %d %v %q %%)`);
    if (next >= args.length) throw new GoTypeError(`printf: missing argument for ${whole} (Go would print %!${verb}(MISSING))`);
    const v = args[next++] as GoValue;
    const kind = kindOf(v);
    if (verb === 's' || verb === 'q') {
      if (kind !== 'string') throw new GoTypeError(`printf: ${whole} of a ${kind} (Go would print %!${verb}(${kind}=...)); the argument must be a string`);
      return verb === 's' ? (v as string) : goQuote(v as string);
    }
    if (verb === 'd') {
      if (kind !== 'int') {
        throw new GoTypeError(`printf: %d of a ${kind} (Go would print %!d(${kind}=...))${kind === 'float64' ? '; numbers from values are float64 in Helm' : ''}`);
      }
      return (v as bigint).toString();
    }
    return kind === 'float64' ? formatFloat64(v as number) : strval('printf', v);
  });
  if (next !== args.length) throw new GoTypeError(`printf: ${String(args.length - next)} extra argument(s) (Go would print %!(EXTRA ...))`);
  return out;
}

export const FUNCTIONS: Record<string, Fn> = {
  include: (args, ctx) => {
    arity('include', args, 2);
    return ctx.include(str('include', args[0] as GoValue, 'template name'), args[1] as GoValue);
  },
  toYaml: (args) => {
    arity('toYaml', args, 1);
    return toYaml(args[0] as GoValue);
  },
  nindent: (args) => {
    arity('nindent', args, 2);
    return `\n${indent(int('nindent', args[0] as GoValue, 'spaces'), str('nindent', args[1] as GoValue, 'text'))}`;
  },
  indent: (args) => {
    arity('indent', args, 2);
    return indent(int('indent', args[0] as GoValue, 'spaces'), str('indent', args[1] as GoValue, 'text'));
  },
  quote: (args) =>
    args
      .filter((a) => a !== null)
      .map((a) => goQuote(strval('quote', a)))
      .join(' '),
  default: (args) => {
    arity('default', args, 1, 2);
    if (args.length === 1) return args[0] as GoValue;
    return isTrue(args[1] as GoValue) ? (args[1] as GoValue) : (args[0] as GoValue);
  },
  printf: (args) => {
    arity('printf', args, 1, Infinity);
    return printf(args);
  },
  eq: (args) => {
    arity('eq', args, 2, Infinity);
    return args.slice(1).some((b) => goEqual(args[0], b));
  },
  ne: (args) => {
    arity('ne', args, 2);
    return !goEqual(args[0], args[1]);
  },
  not: (args) => {
    arity('not', args, 1);
    return !isTrue(args[0] as GoValue);
  },
  contains: (args) => {
    arity('contains', args, 2);
    return str('contains', args[1] as GoValue, 'string').includes(str('contains', args[0] as GoValue, 'substring'));
  },
  trunc: (args) => {
    arity('trunc', args, 2);
    const n = int('trunc', args[0] as GoValue, 'length');
    const s = str('trunc', args[1] as GoValue, 'string');
    if (n < 0) return s.length + n > 0 ? s.slice(s.length + n) : s;
    return s.length > n ? s.slice(0, n) : s;
  },
  trimSuffix: (args) => {
    arity('trimSuffix', args, 2);
    const suffix = str('trimSuffix', args[0] as GoValue, 'suffix');
    const s = str('trimSuffix', args[1] as GoValue, 'string');
    return suffix !== '' && s.endsWith(suffix) ? s.slice(0, s.length - suffix.length) : s;
  },
  add: (args) => args.reduce<bigint>((sum, v) => sum + toInt64('add', v), 0n),
  mul: (args) => {
    arity('mul', args, 1, Infinity);
    return args.reduce<bigint>((product, v) => product * toInt64('mul', v), 1n);
  },
  sha256sum: (args) => {
    arity('sha256sum', args, 1);
    return createHash('sha256').update(str('sha256sum', args[0] as GoValue, 'input')).digest('hex');
  },
  dict: (args) => {
    if (args.length % 2 !== 0) throw new GoTypeError('dict: odd number of arguments (a key without a value)');
    const out: GoMap = {};
    for (let i = 0; i < args.length; i += 2) out[strval('dict', args[i] as GoValue)] = args[i + 1] as GoValue;
    return out;
  },
};

export const LAZY_FUNCTIONS: Record<string, LazyFn> = {
  and: (args) => {
    if (args.length < 2) throw new GoTypeError(`wrong number of args for and: want at least 2 got ${String(args.length)}`);
    let v: GoValue = null;
    for (const a of args) {
      v = a();
      if (!isTrue(v)) return v;
    }
    return v;
  },
  or: (args) => {
    if (args.length < 2) throw new GoTypeError(`wrong number of args for or: want at least 2 got ${String(args.length)}`);
    let v: GoValue = null;
    for (const a of args) {
      v = a();
      if (isTrue(v)) return v;
    }
    return v;
  },
};

export const FUNCTION_NAMES: ReadonlySet<string> = new Set([...Object.keys(FUNCTIONS), ...Object.keys(LAZY_FUNCTIONS)]);
