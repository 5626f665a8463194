import type { AeMapEntry } from '@pacs/domain';

/**
 * Where a forwarding destination listens. Today the AE map of the configuration
 * (`new AeMap(config.aeMap)` implements this); the live, database-backed AE map plugs in here
 * when it exists.
 */
export interface ForwardDestinations {
  destination(aeTitle: string): AeMapEntry | undefined;
}
