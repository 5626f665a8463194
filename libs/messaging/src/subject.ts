/**
 * NATS subject grammar shared by both adapters: tokens separated by '.', '*' stands for one
 * token, '>' (last token only) for one or more tokens.
 */

const FORBIDDEN = /[\s\0]/;

export function isValidSubject(subject: string, allowWildcards: boolean): boolean {
  if (subject.length === 0 || FORBIDDEN.test(subject)) return false;
  const tokens = subject.split('.');
  return tokens.every((token, i) => {
    if (token.length === 0) return false;
    if (token === '*') return allowWildcards;
    if (token === '>') return allowWildcards && i === tokens.length - 1;
    return !token.includes('*') && !token.includes('>');
  });
}

/** Does a literal subject match a filter that may hold wildcards? */
export function subjectMatches(filter: string, subject: string): boolean {
  const f = filter.split('.');
  const s = subject.split('.');
  for (let i = 0; i < f.length; i++) {
    const token = f[i];
    if (token === '>') return s.length > i;
    if (i >= s.length) return false;
    if (token !== '*' && token !== s[i]) return false;
  }
  return f.length === s.length;
}

/** Could one literal subject match both filters? (JetStream refuses overlapping streams.) */
export function filtersOverlap(a: string, b: string): boolean {
  const x = a.split('.');
  const y = b.split('.');
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) {
    const p = x[i];
    const q = y[i];
    if (p === '>' || q === '>') return true;
    if (p === '*' || q === '*') continue;
    if (p !== q) return false;
  }
  return x.length === y.length;
}
