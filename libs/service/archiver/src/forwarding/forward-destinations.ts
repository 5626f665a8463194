import type { AeMapEntry } from '@pacs/domain';

/** Where a forwarding destination listens: the live AE map's current entries (an AeMap implements it). */
export interface ForwardDestinations {
  destination(aeTitle: string): AeMapEntry | undefined;
}
