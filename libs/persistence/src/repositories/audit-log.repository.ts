// The audit trail (table audit_log): one row per mutating call of the admin API.
import type { DataSource } from 'typeorm';

export interface AuditEntryInput {
  /** Token name (or "anonymous" when auth is off). */
  actor: string;
  /** e.g. "DELETE /api/studies/:uid" or "ae-map.create". */
  action: string;
  /** What the call was about: UIDs, ids, titles. */
  target: Record<string, unknown>;
  outcome: 'success' | 'failure';
  /** HTTP status of the answer. */
  status?: number;
  detail?: string;
  remoteAddress?: string;
}

export interface AuditEntry extends AuditEntryInput {
  id: string;
  at: string;
}

export interface AuditFilter {
  actor?: string;
  action?: string;
  since?: Date;
  until?: Date;
  limit: number;
  offset: number;
}

interface Row {
  id: string;
  at: Date | string;
  actor: string;
  action: string;
  target: Record<string, unknown> | string;
  outcome: 'success' | 'failure';
  status: number | null;
  detail: string | null;
  remote_address: string | null;
}

export class AuditLogRepository {
  constructor(private readonly db: DataSource) {}

  async record(entry: AuditEntryInput): Promise<void> {
    await this.db.query(
      `INSERT INTO "audit_log" ("actor", "action", "target", "outcome", "status", "detail", "remote_address")
       VALUES ($1::text, $2::text, $3::jsonb, $4::text, $5::int, $6::text, $7::text)`,
      [entry.actor, entry.action, JSON.stringify(entry.target), entry.outcome, entry.status ?? null, entry.detail ?? null, entry.remoteAddress ?? null],
    );
  }

  /** Newest first, with the total matching the filter. */
  async list(filter: AuditFilter): Promise<{ total: number; items: AuditEntry[] }> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: (ref: string) => string, value: unknown): void => {
      params.push(value);
      where.push(sql(`$${params.length}`));
    };
    if (filter.actor) add((r) => `"actor" = ${r}::text`, filter.actor);
    if (filter.action) add((r) => `"action" = ${r}::text`, filter.action);
    if (filter.since) add((r) => `"at" >= ${r}::timestamptz`, filter.since.toISOString());
    if (filter.until) add((r) => `"at" < ${r}::timestamptz`, filter.until.toISOString());
    const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const [count] = await this.db.query(`SELECT count(*)::int AS n FROM "audit_log" ${clause}`, params);
    const rows: Row[] = await this.db.query(
      `SELECT "id"::text AS id, "at", "actor", "action", "target", "outcome", "status", "detail", "remote_address" FROM "audit_log" ${clause}
       ORDER BY "id" DESC LIMIT $${params.length + 1}::int OFFSET $${params.length + 2}::int`,
      [...params, filter.limit, filter.offset],
    );
    return {
      total: Number((count as { n: number }).n),
      items: rows.map((r) => ({
        id: r.id,
        at: new Date(r.at).toISOString(),
        actor: r.actor,
        action: r.action,
        target: typeof r.target === 'string' ? (JSON.parse(r.target) as Record<string, unknown>) : r.target,
        outcome: r.outcome,
        ...(r.status === null ? {} : { status: r.status }),
        ...(r.detail === null ? {} : { detail: r.detail }),
        ...(r.remote_address === null ? {} : { remoteAddress: r.remote_address }),
      })),
    };
  }
}
