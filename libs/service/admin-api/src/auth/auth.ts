// API tokens (issue 7): "Authorization: Bearer <token>", the token 32 random bytes (base64url),
// stored as its SHA-256. Roles are ordered viewer < operator < admin: viewers read, operators
// change archive content, admins change configuration (AE map) and tokens.
import { createHash, randomBytes } from 'node:crypto';
import { SetMetadata, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { ApiRole, ApiTokenRepository } from '@pacs/persistence';
import type { Request, Response } from 'express';
import { Problem } from '../http-problem';
import type { OidcVerifier } from './oidc';

export const ROLE_RANK: Record<ApiRole, number> = { viewer: 0, operator: 1, admin: 2 };

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function generateToken(): string {
  return randomBytes(32).toString('base64url');
}

const ROLE_KEY = 'pacs:required-role';
/** The least role a handler needs; without it: viewer for GET/HEAD, operator for the rest. */
export const RequireRole = (role: ApiRole): MethodDecorator & ClassDecorator => SetMetadata(ROLE_KEY, role);

/** Who made the request, for the audit trail (res.locals.actor). */
export interface Actor {
  name: string;
  role: ApiRole;
}

export function actorOf(res: Response): Actor | undefined {
  return res.locals['actor'] as Actor | undefined;
}

/**
 * Checks the bearer token of every routed request. With auth off every request acts as an
 * anonymous admin (embedded mode's default: one user on one machine).
 */
export class AuthGuard implements CanActivate {
  private readonly reflector = new Reflector();

  constructor(
    private readonly enabled: boolean,
    private readonly tokens: ApiTokenRepository,
    /** http.auth.oidc: Bearer JWTs validated against the identity provider (oidc.ts). */
    private readonly oidc?: OidcVerifier,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const req = http.getRequest<Request>();
    const res = http.getResponse<Response>();
    const required = this.reflector.getAllAndOverride<ApiRole | 'public' | undefined>(ROLE_KEY, [context.getHandler(), context.getClass()])
      ?? (req.method === 'GET' || req.method === 'HEAD' ? 'viewer' : 'operator');
    if (required === 'public') return true;
    if (!this.enabled) {
      res.locals['actor'] = { name: 'anonymous', role: 'admin' } satisfies Actor;
      return true;
    }
    const header = req.headers.authorization;
    // Long enough for a signed JWT (OIDC access tokens); API tokens are 43 characters.
    const match = header ? /^Bearer\s+([A-Za-z0-9._~+/=-]{1,8192})\s*$/i.exec(header) : null;
    if (!match) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="pacs"');
      throw new Problem(401, header ? 'Authorization header is not "Bearer <token>"' : 'an API token is required: Authorization: Bearer <token>');
    }
    const bearer = match[1] as string;
    if (this.oidc?.looksLikeJwt(bearer)) {
      const result = await this.oidc.authenticate(bearer);
      if (!result.ok) {
        if (result.status === 401) res.setHeader('WWW-Authenticate', 'Bearer realm="pacs", error="invalid_token"');
        throw new Problem(result.status, result.detail);
      }
      res.locals['actor'] = { name: result.name, role: result.role } satisfies Actor;
      if (ROLE_RANK[result.role] < ROLE_RANK[required]) throw new Problem(403, `this needs the ${required} role; ${result.name} has ${result.role}`);
      return true;
    }
    const token = await this.tokens.authenticate(hashToken(bearer));
    if (!token) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="pacs", error="invalid_token"');
      throw new Problem(401, 'unknown or revoked API token');
    }
    res.locals['actor'] = { name: token.name, role: token.role } satisfies Actor;
    if (ROLE_RANK[token.role] < ROLE_RANK[required]) throw new Problem(403, `this needs the ${required} role; token ${JSON.stringify(token.name)} has ${token.role}`);
    return true;
  }
}

/** Probes stay reachable without a token (Kubernetes calls them). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(ROLE_KEY, 'public');
