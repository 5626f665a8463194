import type { Bus } from '@pacs/messaging';
import {
  AeMapRepository, ApiTokenRepository, AuditLogRepository, BrowseRepository, IndexDeletion, TypeOrmIndexRepository, TypeOrmQueryRepository, type DataSource,
} from '@pacs/persistence';
import { aeMapSubjects, type AeMapSubjects, type ServiceContext } from '@pacs/runtime';

/** What the admin API's controllers share: the service context, the database's repositories and the bus. */
export interface AdminContext {
  ctx: ServiceContext;
  db: DataSource;
  bus: Bus;
  authEnabled: boolean;
  aeMap: AeMapRepository;
  tokens: ApiTokenRepository;
  audit: AuditLogRepository;
  browse: BrowseRepository;
  deletion: IndexDeletion;
  index: TypeOrmIndexRepository;
  query: TypeOrmQueryRepository;
  aeMapSubjects: AeMapSubjects;
}

export function adminContext(ctx: ServiceContext, db: DataSource, bus: Bus, authEnabled: boolean): AdminContext {
  return {
    ctx,
    db,
    bus,
    authEnabled,
    aeMap: new AeMapRepository(db),
    tokens: new ApiTokenRepository(db),
    audit: new AuditLogRepository(db),
    browse: new BrowseRepository(db),
    deletion: new IndexDeletion(db),
    index: new TypeOrmIndexRepository(db),
    query: new TypeOrmQueryRepository(db, {
      maxMatches: ctx.config.qr.maxMatches,
      studySortOrder: ctx.config.qr.studySortOrder,
      preferredTier: ctx.config.ingest.tier,
    }),
    aeMapSubjects: aeMapSubjects(ctx.config.bus.streamPrefix),
  };
}
