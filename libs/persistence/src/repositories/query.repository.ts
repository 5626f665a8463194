// Q/R against the index (ARCHITECTURE.md contract 6: queries never touch object storage).
import type { FindQuery, QueryMatch, RetrieveInstance, RetrieveQuery } from '@pacs/domain';
import type { StudySortOrder } from './query-sql';

export interface QuerySettings {
  /** Matches above this refuse the query (TooManyMatchesError) before any is returned. */
  maxMatches: number;
  studySortOrder: StudySortOrder;
  /** Storage tier read first when an instance has several locations. */
  preferredTier: string;
  /** Rows per FETCH from the server-side cursor; default 100. */
  fetchSize?: number;
}

export interface QueryRepository {
  /**
   * The matches of a C-FIND in the configured order, read in batches as the caller consumes
   * them. Throws TooManyMatchesError (having yielded nothing) above maxMatches. Aborting
   * `signal` stops the statement and ends the iteration.
   */
  find(query: FindQuery, signal?: AbortSignal): AsyncIterable<QueryMatch>;
  /** The instances a C-MOVE/C-GET identifier names, in batches, study by study in series and instance order. */
  resolveInstances(query: RetrieveQuery, signal?: AbortSignal): AsyncIterable<RetrieveInstance[]>;
}
