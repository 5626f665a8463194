// The AE map (Conquest's acrnema.map, modern form): which remote AEs exist, where they listen,
// and what they may do. Titles may hold wildcards: '*' any run of characters, '?' one
// character (Conquest: "CT*" matches every CT scanner). The first matching entry wins, so an
// operator lists specific titles before patterns.

export interface AeMapEntry {
  aeTitle: string;
  host: string;
  port: number;
  tls: boolean;
  /** May send us objects (C-STORE). */
  store: boolean;
  /** May query (C-FIND). */
  query: boolean;
  /** May retrieve (C-MOVE / C-GET), and be a C-MOVE destination. */
  retrieve: boolean;
  /** Transfer syntax UID proposed first when sending to this AE. */
  preferredTransferSyntax?: string;
  description?: string;
}

export type AePermission = 'store' | 'query' | 'retrieve';

function wildcardToRegExp(pattern: string): RegExp {
  const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}

export class AeMap {
  private readonly compiled: { entry: AeMapEntry; re: RegExp; exact: boolean }[];

  constructor(readonly entries: readonly AeMapEntry[]) {
    // AE titles compare without their non-significant leading/trailing spaces (PS3.5 §6.2 AE).
    this.compiled = entries.map((entry) => ({ entry, re: wildcardToRegExp(entry.aeTitle.trim()), exact: !/[*?]/.test(entry.aeTitle) }));
  }

  /** The first entry whose title matches, or undefined. */
  lookup(aeTitle: string): AeMapEntry | undefined {
    const title = aeTitle.trim();
    return this.compiled.find((c) => c.re.test(title))?.entry;
  }

  /**
   * A C-MOVE destination needs an address: only entries whose title is exact qualify (a pattern
   * like "CT*" says who may call us, not where "CT1" listens).
   */
  destination(aeTitle: string): AeMapEntry | undefined {
    const title = aeTitle.trim();
    return this.compiled.find((c) => c.exact && c.entry.aeTitle.trim() === title)?.entry;
  }

  allows(aeTitle: string, permission: AePermission): boolean {
    return this.lookup(aeTitle)?.[permission] ?? false;
  }
}
