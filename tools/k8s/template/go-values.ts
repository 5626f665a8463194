// Go value semantics the templates depend on, as Helm sees values. Helm reads values files
// through YAML -> JSON, so every number from values is a float64 (JS number here); integer
// constants written in a template and the results of add/mul are int/int64 (JS bigint here).
// That difference is visible: fmt prints a float64 of 1e6 or more in exponent form
// ("1e+06"), and eq refuses to compare float64 with int. The renderer reproduces both so a
// template that would misbehave under Helm misbehaves in the tests too.

export type GoValue = string | number | bigint | boolean | null | GoValue[] | GoMap;
export interface GoMap {
  [key: string]: GoValue;
}

export type GoKind = 'string' | 'float64' | 'int' | 'bool' | 'nil' | 'slice' | 'map';

export function kindOf(v: unknown): GoKind {
  if (v === null || v === undefined) return 'nil';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return 'float64';
  if (typeof v === 'bigint') return 'int';
  if (typeof v === 'boolean') return 'bool';
  if (Array.isArray(v)) return 'slice';
  return 'map';
}

export function isMap(v: unknown): v is GoMap {
  return kindOf(v) === 'map';
}

/** text/template's truth: false, 0, nil, and empty strings, slices and maps are false. */
export function isTrue(v: unknown): boolean {
  switch (kindOf(v)) {
    case 'nil':
      return false;
    case 'bool':
      return v as boolean;
    case 'string':
      return (v as string).length > 0;
    case 'float64':
      return (v as number) !== 0;
    case 'int':
      return (v as bigint) !== 0n;
    case 'slice':
      return (v as unknown[]).length > 0;
    case 'map':
      return Object.keys(v as object).length > 0;
  }
}

/** fmt's %v of a float64: shortest digits, exponent form when exp < -4 or exp >= 6 (strconv 'g', -1). */
export function formatFloat64(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return '+Inf';
  if (x === -Infinity) return '-Inf';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  const [mantissa, expText] = x.toExponential().split('e') as [string, string];
  const exp = Number(expText);
  if (exp < -4 || exp >= 6) {
    const digits = String(Math.abs(exp)).padStart(2, '0');
    return `${mantissa}e${exp < 0 ? '-' : '+'}${digits}`;
  }
  return String(x);
}

export class GoTypeError extends Error {
  override readonly name = 'GoTypeError';
}

/** fmt's %v for the scalar kinds; maps and slices are refused (Go would print its own syntax, never wanted in a manifest). */
export function formatValue(v: unknown, nilText: string): string {
  switch (kindOf(v)) {
    case 'nil':
      return nilText;
    case 'string':
      return v as string;
    case 'bool':
      return String(v);
    case 'int':
      return (v as bigint).toString();
    case 'float64':
      return formatFloat64(v as number);
    case 'slice':
    case 'map':
      throw new GoTypeError(`cannot print a ${kindOf(v)} as text (Go would print ${kindOf(v) === 'map' ? 'map[...]' : '[...]'}); pipe it through toYaml`);
  }
}

const isPrintable = (ch: string): boolean => /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u.test(ch);

/** strconv.Quote: the Go-syntax double-quoted string sprig's quote produces. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0) as number;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (isPrintable(ch)) out += ch;
    else if (ch === '\x07') out += '\\a';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\v') out += '\\v';
    else if (cp < 0x80) out += `\\x${cp.toString(16).padStart(2, '0')}`;
    else if (cp < 0x10000) out += `\\u${cp.toString(16).padStart(4, '0')}`;
    else out += `\\U${cp.toString(16).padStart(8, '0')}`;
  }
  return `${out}"`;
}

/** text/template's eq for one pair: basic kinds only, and both of the same kind unless one is nil. */
export function goEqual(a: unknown, b: unknown): boolean {
  const ka = kindOf(a);
  const kb = kindOf(b);
  if (ka === 'slice' || ka === 'map' || kb === 'slice' || kb === 'map') {
    throw new GoTypeError(`eq: non-comparable type ${ka === 'slice' || ka === 'map' ? ka : kb}`);
  }
  if (ka !== kb) {
    if (ka === 'nil' || kb === 'nil') return false;
    throw new GoTypeError(`eq: incompatible types for comparison (${ka} and ${kb})`);
  }
  return a === b;
}
