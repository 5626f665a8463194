// The web UI (issue 7): the built single-page app (apps/web-ui → dist/web-ui) served at /, with
// the SPA fallback to index.html for client-side routes, and GET /api/ui-config for what the UI
// needs before it has a token. The static files need no token: every data call carries one.
import type { NestExpressApplication } from '@nestjs/platform-express';
import express, { type NextFunction, type Request, type Response } from 'express';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { sendProblem } from '../http-problem';
import { isClientRoute, isUiRoute, staticCacheControl, UI_SECURITY_HEADERS } from './ui-routes';

export interface WebUiOptions {
  /** Base URL of an OHIF viewer on this DICOMweb service (http.ohifUrl), if any. */
  ohifUrl?: string | undefined;
}

/** What the UI reads before login (public: it holds no secret). */
export interface UiConfig {
  ohifUrl: string | null;
}

/**
 * Serves the built UI from `dir` (relative to the working directory) ahead of the API routes.
 * The directory is looked at per request, so a UI built after the start is served without a
 * restart, and a missing one answers a 404 problem that says how to build it.
 */
export function serveWebUi(app: NestExpressApplication, dir: string, options: WebUiOptions = {}): void {
  const root = resolve(dir);
  const index = join(root, 'index.html');
  const uiConfig: UiConfig = { ohifUrl: options.ohifUrl?.replace(/\/+$/, '') ?? null };
  const files = express.static(root, {
    index: false,
    redirect: false,
    fallthrough: true,
    setHeaders: (res, path) => {
      res.setHeader('Cache-Control', staticCacheControl(path.slice(root.length).replace(/\\/g, '/')));
      res.setHeader('X-Content-Type-Options', 'nosniff');
      if (path.endsWith('.html')) for (const [name, value] of Object.entries(UI_SECURITY_HEADERS)) res.setHeader(name, value);
    },
  });

  app.use('/api/ui-config', (req: Request, res: Response, next: NextFunction): void => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    if (req.path !== '/') return next();
    res.setHeader('Cache-Control', 'no-cache');
    res.json(uiConfig);
  });

  app.use((req: Request, res: Response, next: NextFunction): void => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || !isUiRoute(req.path)) return next();
    if (!existsSync(index)) {
      sendProblem(res, 404, `the web UI is not built: no ${index} (run npm run build, or set http.uiDir)`, req.path);
      return;
    }
    files(req, res, (err?: unknown) => {
      if (err) return next(err);
      if (!isClientRoute(req.path)) return next();
      for (const [name, value] of Object.entries(UI_SECURITY_HEADERS)) res.setHeader(name, value);
      res.setHeader('Cache-Control', 'no-cache');
      res.sendFile(index, (sendErr?: Error) => {
        if (sendErr && !res.headersSent) next(sendErr);
      });
    });
  });
}
