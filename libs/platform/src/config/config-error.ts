/** A configuration value that cannot be used. The message names the key and what was expected. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly key: string,
    readonly expected: string,
    readonly source?: string,
  ) {
    super(`config error: ${key}: ${expected}${source ? ` (from ${source})` : ''}`);
  }
}
