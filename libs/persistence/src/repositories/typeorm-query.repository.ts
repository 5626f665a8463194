// QueryRepository on PostgreSQL/PGlite: one parameterised statement per request, streamed
// through a server-side cursor.
import { COMPUTED_FIELD, TooManyMatchesError, type ComputedKey, type FindQuery, type QueryMatch, type RetrieveInstance, type RetrieveQuery } from '@pacs/domain';
import type { DataSource } from 'typeorm';
import type { QueryRepository, QuerySettings } from './query.repository';
import { buildFindSql, buildRetrieveSql } from './query-sql';
import { cursorBatches } from './sql-cursor';

const DEFAULT_FETCH_SIZE = 100;


type Row = Record<string, unknown>;

function toMatch(row: Row, entities: readonly string[], computed: readonly ComputedKey[]): QueryMatch {
  const match: QueryMatch = { attributes: {}, computed: {} };
  for (const entity of entities) match.attributes[entity as keyof QueryMatch['attributes']] = (row[entity] ?? {}) as Record<string, unknown>;
  for (const keyword of computed) {
    const value = row[`c_${keyword}`];
    const field = COMPUTED_FIELD[keyword];
    if (Array.isArray(value)) (match.computed as Record<string, unknown>)[field] = value.map(String);
    else if (value !== null && value !== undefined) (match.computed as Record<string, unknown>)[field] = Number(value);
  }
  return match;
}

export class TypeOrmQueryRepository implements QueryRepository {
  constructor(
    private readonly db: DataSource,
    private readonly settings: QuerySettings,
  ) {}

  async *find(query: FindQuery, signal?: AbortSignal): AsyncGenerator<QueryMatch> {
    const statement = buildFindSql(query, this.settings);
    let checked = false;
    for await (const rows of cursorBatches<Row>(this.db, statement, { fetchSize: this.settings.fetchSize ?? DEFAULT_FETCH_SIZE, signal })) {
      if (!checked) {
        checked = true;
        if (Number(rows[0]?.['__total'] ?? 0) > this.settings.maxMatches) throw new TooManyMatchesError(this.settings.maxMatches);
      }
      for (const row of rows) yield toMatch(row, statement.entities, statement.computed);
    }
  }

  async *resolveInstances(query: RetrieveQuery, signal?: AbortSignal): AsyncGenerator<RetrieveInstance[]> {
    const statement = buildRetrieveSql(query, this.settings.preferredTier);
    for await (const rows of cursorBatches<Row>(this.db, statement, { fetchSize: 1000, signal })) {
      yield rows.map((r) => ({
        sopInstanceUid: String(r['sopInstanceUid']),
        sopClassUid: String(r['sopClassUid']),
        transferSyntaxUid: String(r['transferSyntaxUid']),
        tier: r['tier'] === null ? null : String(r['tier']),
        storageKey: r['storageKey'] === null ? null : String(r['storageKey']),
        size: Number(r['size']),
      }));
    }
  }
}
