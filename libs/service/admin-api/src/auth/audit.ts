// The audit trail (issue 7): every mutating call leaves a row — who (the token's name), what
// (method and route, or the action a handler named), which UIDs, when, and how it ended
// (including refusals: a DELETE without a valid token is audited as a failure with 401).
import type { Logger } from '@pacs/platform';
import type { AuditLogRepository } from '@pacs/persistence';
import type { NextFunction, Request, Response } from 'express';
import { actorOf } from './auth';

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** What a handler says about its call (set on res.locals.audit); the path is used otherwise. */
export interface AuditNote {
  action?: string;
  target?: Record<string, unknown>;
  detail?: string;
}

export function noteAudit(res: Response, note: AuditNote): void {
  res.locals['audit'] = { ...(res.locals['audit'] as AuditNote | undefined), ...note, target: { ...(res.locals['audit'] as AuditNote | undefined)?.target, ...note.target } };
}

export function auditMiddleware(repository: AuditLogRepository, logger: Logger) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (!MUTATING.has(req.method)) return next();
    const path = req.originalUrl.split('?')[0] ?? req.path;
    res.once('finish', () => {
      const note = res.locals['audit'] as AuditNote | undefined;
      const status = res.statusCode;
      repository
        .record({
          actor: actorOf(res)?.name ?? 'unauthenticated',
          action: note?.action ?? `${req.method} ${path}`,
          target: note?.target ?? { path },
          outcome: status < 400 ? 'success' : 'failure',
          status,
          ...(note?.detail ? { detail: note.detail } : {}),
          ...(req.socket.remoteAddress ? { remoteAddress: req.socket.remoteAddress } : {}),
        })
        .catch((err: unknown) => logger.error({ err, method: req.method, path }, 'audit row not written'));
    });
    next();
  };
}
