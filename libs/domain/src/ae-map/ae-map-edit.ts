// Checks of an AE map entry as an operator sends it (admin REST): the same rules the
// configuration schema applies to `aeMap` entries, without a framework, so that a bad entry
// is refused with the field it is about before it can reach a listener.
import type { AeMapEntry } from './ae-map';

/** A title with the characters an AE title may hold (PS3.5 §6.2 AE), wildcards * and ? included. */
const AE_TITLE = /^(?=.*[^ ])[\x20-\x5b\x5d-\x7e]{1,16}$/;
const UID = /^(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))*$/;

export class InvalidAeMapEntryError extends Error {
  override readonly name = 'InvalidAeMapEntryError';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

/** What an edit may set; absent fields take the defaults of a new entry. */
export interface AeMapEntryInput {
  aeTitle?: unknown;
  host?: unknown;
  port?: unknown;
  tls?: unknown;
  store?: unknown;
  query?: unknown;
  retrieve?: unknown;
  preferredTransferSyntax?: unknown;
  description?: unknown;
}

const FIELDS = new Set(['aeTitle', 'host', 'port', 'tls', 'store', 'query', 'retrieve', 'preferredTransferSyntax', 'description', 'position']);

function bool(input: Record<string, unknown>, field: string, fallback: boolean): boolean {
  const v = input[field];
  if (v === undefined) return fallback;
  if (typeof v !== 'boolean') throw new InvalidAeMapEntryError(field, 'must be true or false');
  return v;
}

/**
 * A complete entry from `input` laid over `base` (an existing entry when editing, the defaults
 * when adding). Unknown fields are refused: a misspelt "retreive" must not pass silently.
 */
export function checkAeMapEntry(input: unknown, base?: AeMapEntry): AeMapEntry {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new InvalidAeMapEntryError('(body)', 'must be a JSON object');
  const record = input as Record<string, unknown>;
  for (const key of Object.keys(record)) if (!FIELDS.has(key)) throw new InvalidAeMapEntryError(key, 'unknown field');
  const aeTitle = record['aeTitle'] ?? base?.aeTitle;
  if (typeof aeTitle !== 'string' || !AE_TITLE.test(aeTitle)) {
    throw new InvalidAeMapEntryError('aeTitle', 'an AE title: 1-16 printable characters, no backslash, not all spaces; * and ? are wildcards');
  }
  const host = record['host'] ?? base?.host ?? '';
  if (typeof host !== 'string' || host.length > 255 || /\s/.test(host)) throw new InvalidAeMapEntryError('host', 'a host name or address');
  const port = record['port'] ?? base?.port ?? 104;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 65535) throw new InvalidAeMapEntryError('port', 'an integer 0-65535');
  const entry: AeMapEntry = {
    aeTitle: aeTitle.trim(),
    host,
    port,
    tls: bool(record, 'tls', base?.tls ?? false),
    store: bool(record, 'store', base?.store ?? true),
    query: bool(record, 'query', base?.query ?? true),
    retrieve: bool(record, 'retrieve', base?.retrieve ?? true),
  };
  const syntax = 'preferredTransferSyntax' in record ? record['preferredTransferSyntax'] : base?.preferredTransferSyntax;
  if (syntax !== undefined && syntax !== null && syntax !== '') {
    if (typeof syntax !== 'string' || syntax.length > 64 || !UID.test(syntax)) throw new InvalidAeMapEntryError('preferredTransferSyntax', 'a transfer syntax UID');
    entry.preferredTransferSyntax = syntax;
  }
  const description = 'description' in record ? record['description'] : base?.description;
  if (description !== undefined && description !== null && description !== '') {
    if (typeof description !== 'string' || description.length > 256) throw new InvalidAeMapEntryError('description', 'text of at most 256 characters');
    entry.description = description;
  }
  return entry;
}
