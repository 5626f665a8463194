import 'reflect-metadata';
import { Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { ConfigError } from '@pacs/platform';
import { announceAeMapChanged, seedConfiguredAeMap, serveAeMap, type PacsService, type ServiceContext } from '@pacs/runtime';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { AddressInfo } from 'node:net';
import { adminContext, type AdminContext } from './admin-context';
import { AeMapController } from './ae-map/ae-map.controller';
import { AssociationsController } from './associations/associations.controller';
import { listenForAssociations, recentAssociationsOf } from './associations/recent-associations';
import { auditMiddleware } from './auth/audit';
import { AuthGuard, hashToken } from './auth/auth';
import { oidcVerifierFrom } from './auth/oidc';
import { AuditController, TokensController } from './auth/tokens.controller';
import { BrowseController } from './browse/browse.controller';
import { ChangesController } from './changes/changes.controller';
import { ConformanceController } from './conformance/conformance.controller';
import { QidoController } from './dicomweb/qido.controller';
import { StowController } from './dicomweb/stow.controller';
import { WadoController } from './dicomweb/wado.controller';
import { ForwardRulesController } from './forward-rules/forward-rules.controller';
import { HealthController } from './health.controller';
import { JobsController } from './jobs/jobs.controller';
import { ModifyController } from './modify/modify.controller';
import { sendProblem } from './http-problem';
import { OpenApiController } from './openapi/openapi.controller';
import { ProblemJsonFilter } from './problem-json.filter';
import { RegenController } from './regen/regen.controller';
import { RenderedController } from './render/rendered.controller';
import { StatisticsController } from './statistics.controller';
import { StatusController } from './status.controller';
import { ADMIN_CONTEXT, SERVICE_CONTEXT } from './tokens';
import { serveWebUi } from './ui/serve-web-ui';

@Module({})
class AdminApiModule {
  static forContext(ctx: ServiceContext, admin: AdminContext): DynamicModule {
    return {
      module: AdminApiModule,
      controllers: [
        HealthController, StatusController, StatisticsController, AeMapController, TokensController, AuditController, BrowseController,
        QidoController, WadoController, StowController, OpenApiController,
        JobsController,
        ModifyController,
        ForwardRulesController,
        RenderedController,
        ChangesController, ConformanceController, AssociationsController, RegenController,
      ],
      providers: [{ provide: SERVICE_CONTEXT, useValue: ctx }, { provide: ADMIN_CONTEXT, useValue: admin }],
    };
  }
}

/** Name of the token kept from http.auth.adminToken. */
export const BOOTSTRAP_TOKEN_NAME = 'bootstrap-admin';

/** Auth is on by default in cluster mode; on without an admin token nobody could ever get in. */
function authEnabled(ctx: ServiceContext): boolean {
  const { auth } = ctx.config.http;
  const enabled = auth.enabled ?? ctx.config.mode === 'cluster';
  if (enabled && !auth.adminToken) {
    throw new ConfigError(
      'http.auth.adminToken',
      `required when the admin API requires tokens (${auth.enabled === undefined ? 'cluster mode' : 'http.auth.enabled'}); set PACS_HTTP__AUTH__ADMINTOKEN, or set http.auth.enabled: false explicitly`,
    );
  }
  return enabled;
}

/** JSON bodies of /api: bounded, and a malformed one is a 400 problem, not an HTML page. */
function jsonBodies(limit: number) {
  const parse = express.json({ limit, type: ['application/json', 'application/*+json'] });
  return (req: Request, res: Response, next: NextFunction): void => {
    parse(req, res, (err?: unknown) => {
      if (!err) return next();
      const e = err as { status?: number; type?: string; message?: string };
      const status = e.status === 413 ? 413 : 400;
      sendProblem(res, status, status === 413 ? `JSON body larger than http.maxJsonBytes (${limit} bytes)` : `malformed JSON body: ${e.message ?? 'cannot be parsed'}`, req.originalUrl.split('?')[0] ?? '');
    });
  };
}

/** admin-api: REST, DICOMweb and the web UI over HTTP (NestJS on Express). */
export const adminApiService: PacsService = {
  name: 'admin-api',
  servesHttpProbes: true,
  async start(ctx) {
    const { config } = ctx;
    const enabled = authEnabled(ctx);
    const [db, bus] = await Promise.all([ctx.infra.database(), ctx.infra.bus()]);
    const admin = adminContext(ctx, db, bus, enabled);
    if (config.http.auth.adminToken) await admin.tokens.ensure({ name: BOOTSTRAP_TOKEN_NAME, role: 'admin', sha256: hashToken(config.http.auth.adminToken) });
    // The AE map: configuration entries seeded (the configuration wins for them), then served to
    // processes without the database (the listener) and announced to those already running.
    await seedConfiguredAeMap(admin.aeMap, config.aeMap);
    const aeMapServer = await serveAeMap(bus, admin.aeMapSubjects, admin.aeMap);
    ctx.shutdown.onShutdown('AE map server', () => aeMapServer.stop({ timeoutMs: 1_000 }));
    // Recent associations of every listener (issue 7), kept in memory by each replica.
    const associationServer = await listenForAssociations(bus, config.bus.streamPrefix, recentAssociationsOf(admin), ctx.logger);
    ctx.shutdown.onShutdown('association summaries', () => associationServer.stop({ timeoutMs: 1_000 }));

    const app = await NestFactory.create<NestExpressApplication>(AdminApiModule.forContext(ctx, admin), { logger: false, abortOnError: false, bodyParser: false });
    app.set('trust proxy', false);
    const origins = config.http.cors.allowedOrigins;
    if (origins.length > 0) {
      app.enableCors({
        origin: origins.includes('*') ? true : origins,
        methods: ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS'],
        allowedHeaders: ['Authorization', 'Content-Type', 'Accept'],
        exposedHeaders: ['Content-Type', 'Content-Length', 'WWW-Authenticate'],
        maxAge: 600,
      });
    }
    app.use(auditMiddleware(admin.audit, ctx.logger));
    app.use('/api', jsonBodies(config.http.maxJsonBytes));
    app.useGlobalGuards(new AuthGuard(enabled, admin.tokens, oidcVerifierFrom(config, ctx.logger)));
    app.useGlobalFilters(new ProblemJsonFilter(ctx.logger));
    serveWebUi(app, config.http.uiDir, { ohifUrl: config.http.ohifUrl });
    await app.listen(config.http.port, config.http.host);
    const port = (app.getHttpServer().address() as AddressInfo).port;
    ctx.logger.info({ port, auth: enabled }, 'HTTP listening');
    ctx.shutdown.onShutdown('admin-api', () => app.close());
    // Listeners that started before us run on the configured entries: tell them to load the table.
    await announceAeMapChanged(bus, admin.aeMapSubjects, ctx.logger).catch((err: unknown) => ctx.logger.warn({ err }, 'AE map change notice failed'));
    return { httpPort: port };
  },
};
