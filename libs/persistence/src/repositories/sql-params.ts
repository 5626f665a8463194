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

export function bindValue(value: unknown, type: string): unknown {
  if (value === null || value === undefined) return null;
  if (type === 'jsonb') return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'string' ? withoutNul(v) : v));
  if (typeof value === 'string') return withoutNul(value);
  if (Array.isArray(value)) return value.map((v: unknown) => (typeof v === 'string' ? withoutNul(v) : v));
  return value;
}
