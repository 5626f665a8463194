// Conquest-style patterns: '*' any run of characters, '?' exactly one; everything else literal.
// An empty pattern matches only an empty value (Conquest: "" is not the same as "*").

export function wildcardPattern(pattern: string): RegExp {
  const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 's');
}
