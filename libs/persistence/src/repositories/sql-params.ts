// Bind parameters: values never enter SQL text, only typed placeholders do.

/** PostgreSQL text and jsonb cannot hold U+0000, which broken senders put inside values. */
const withoutNul = (s: string): string => (s.includes('\0') ? s.replace(/\0/g, '\uFFFD') : s);

/**
 * Bind parameters of one statement: `ref` adds a value and returns its typed placeholder.
 * jsonb values are given as objects and serialised here; U+0000 in text becomes U+FFFD.
 */
export class Params {
  readonly values: unknown[] = [];
  ref(value: unknown, type: string): string {
    this.values.push(bindValue(value, type));
    return `$${this.values.length}::${type}`;
  }
}

/** U+0000 escaped in JSON text, i.e. preceded by an even number of backslashes. */
const JSON_NUL = /(?<!\\)((?:\\\\)*)\\u0000/g;

/** JSON text without U+0000 (a replacer function would cost far more on the common clean path). */
export function jsonWithoutNul(value: unknown): string {
  const json = JSON.stringify(value);
  return json.includes('\\u0000') ? json.replace(JSON_NUL, '$1\\ufffd') : json;
}

export function bindValue(value: unknown, type: string): unknown {
  if (value === null || value === undefined) return null;
  if (type === 'jsonb') return jsonWithoutNul(value);
  if (typeof value === 'string') return withoutNul(value);
  if (Array.isArray(value)) return value.map((v: unknown) => (typeof v === 'string' ? withoutNul(v) : v));
  return value;
}
