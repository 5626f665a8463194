// The last associations of every listener, as they ended (issue 7): each admin-api replica
// hears every summary (a queue group of its own, as the AE map change notices) and keeps the
// newest few in memory. Nothing is stored: after a restart the list fills again.
import { randomBytes } from 'node:crypto';
import { associationEventSubject, decodeAssociationSummary, type AssociationSummary } from '@pacs/domain';
import type { Bus, Server } from '@pacs/messaging';
import type { Logger } from '@pacs/platform';

export const RECENT_ASSOCIATIONS = 200;

export class RecentAssociations {
  private readonly items: AssociationSummary[] = [];

  constructor(private readonly capacity = RECENT_ASSOCIATIONS) {}

  add(summary: AssociationSummary): void {
    this.items.push(summary);
    if (this.items.length > this.capacity) this.items.splice(0, this.items.length - this.capacity);
  }

  /** Newest first. */
  list(filter: (s: AssociationSummary) => boolean = () => true): AssociationSummary[] {
    return this.items.filter(filter).reverse();
  }
}

const byContext = new WeakMap<object, RecentAssociations>();

/** The list of this admin-api (one per admin context). */
export function recentAssociationsOf(owner: object): RecentAssociations {
  let recent = byContext.get(owner);
  if (!recent) {
    recent = new RecentAssociations();
    byContext.set(owner, recent);
  }
  return recent;
}

/** Hears every listener's association summaries into `recent`. */
export function listenForAssociations(bus: Bus, prefix: string, recent: RecentAssociations, logger: Logger): Promise<Server> {
  return bus.serve(associationEventSubject(prefix), `associations-${randomBytes(6).toString('hex')}`, async (req) => {
    try {
      recent.add(decodeAssociationSummary(req.data));
    } catch (err) {
      logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'ignoring a malformed association summary');
    }
    return new Uint8Array(0);
  });
}
