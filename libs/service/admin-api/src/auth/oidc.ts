// OpenID Connect access tokens as an alternative to API tokens (issue 7): a Bearer token that
// is a JWT (RFC 7519) is checked against the issuer's signing keys (JWKS, RFC 7517, found in
// its discovery document, OpenID Connect Discovery 1.0 §4, unless jwksUri is configured), and
// its iss, aud, exp and nbf (RFC 7519 §4.1); the roles claim then gives the PACS role.
import type { ApiRole } from '@pacs/persistence';
import type { Logger, PacsConfig } from '@pacs/platform';
import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { ROLE_RANK } from './auth';

export type OidcConfig = NonNullable<PacsConfig['http']['auth']['oidc']>;

/** The token is not acceptable (signature, issuer, audience, expiry): 401. */
export class OidcTokenError extends Error {
  override readonly name = 'OidcTokenError';
}

/** The token is valid but maps to no PACS role: 403. */
export class OidcNoRoleError extends Error {
  override readonly name = 'OidcNoRoleError';
}

/** The identity provider could not be asked (discovery or JWKS down): 503. */
export class OidcUnavailableError extends Error {
  override readonly name = 'OidcUnavailableError';
}

const JWT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const FETCH_TIMEOUT_MS = 5_000;

/** Three base64url parts whose header is a JSON object with "alg" (RFC 7515 §7.1): not an API token. */
export function looksLikeJwt(token: string): boolean {
  if (!JWT.test(token)) return false;
  try {
    const header = JSON.parse(Buffer.from(token.slice(0, token.indexOf('.')), 'base64url').toString('utf8')) as unknown;
    return typeof header === 'object' && header !== null && typeof (header as { alg?: unknown }).alg === 'string';
  } catch {
    return false;
  }
}

/** The claim at a dotted path (e.g. realm_access.roles), as a list of strings. */
export function claimValues(payload: JWTPayload, path: string): string[] {
  let value: unknown = payload;
  for (const part of path.split('.')) value = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[part] : undefined;
  if (typeof value === 'string') return value.split(/\s+/).filter((v) => v !== '');
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** The highest PACS role among the token's roles (mapped, or taken as they are without a mapping). */
export function roleOf(roles: readonly string[], mapping: Readonly<Record<string, ApiRole>> | undefined): ApiRole | undefined {
  let best: ApiRole | undefined;
  for (const role of roles) {
    const mapped = mapping ? mapping[role] : (Object.hasOwn(ROLE_RANK, role) ? (role as ApiRole) : undefined);
    if (mapped && (best === undefined || ROLE_RANK[mapped] > ROLE_RANK[best])) best = mapped;
  }
  return best;
}

/** The outcome of a JWT bearer: who it stands for, or the HTTP status and why not. */
export type OidcResult =
  | { ok: true; name: string; role: ApiRole }
  /** 401: not acceptable (signature, iss, aud, exp, nbf); 403: valid, no PACS role; 503: the provider cannot be asked. */
  | { ok: false; status: 401 | 403 | 503; detail: string };

export class OidcVerifier {
  private keys: Promise<JWTVerifyGetKey> | undefined;

  constructor(
    private readonly config: OidcConfig,
    private readonly logger: Logger,
  ) {}

  /** Whether this bearer is for us (a JWT) rather than an API token. */
  looksLikeJwt(token: string): boolean {
    return looksLikeJwt(token);
  }

  async authenticate(token: string): Promise<OidcResult> {
    try {
      return { ok: true, ...(await this.verify(token)) };
    } catch (err) {
      if (err instanceof OidcUnavailableError) return { ok: false, status: 503, detail: err.message };
      if (err instanceof OidcNoRoleError) return { ok: false, status: 403, detail: err.message };
      return { ok: false, status: 401, detail: err instanceof Error ? err.message : String(err) };
    }
  }

  private async verify(token: string): Promise<{ name: string; role: ApiRole }> {
    const keys = await this.signingKeys();
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keys, { issuer: this.config.issuer, audience: this.config.audience }));
    } catch (err) {
      if (err instanceof joseErrors.JWKSTimeout || (err instanceof Error && !(err instanceof joseErrors.JOSEError))) {
        throw new OidcUnavailableError(`the identity provider's keys could not be read: ${err.message}`);
      }
      throw new OidcTokenError(describe(err));
    }
    const role = roleOf(claimValues(payload, this.config.roleClaim), this.config.roleMapping);
    const name = typeof payload['preferred_username'] === 'string' ? payload['preferred_username'] : (payload.sub ?? 'oidc');
    if (!role) throw new OidcNoRoleError(`the token of ${JSON.stringify(name)} carries no role mapped to viewer, operator or admin (claim ${this.config.roleClaim})`);
    return { name: `oidc:${name}`, role };
  }

  /** The JWKS (fetched and cached by jose, refetched for an unknown key id); discovery once. */
  private signingKeys(): Promise<JWTVerifyGetKey> {
    this.keys ??= this.discoverJwksUri().then((uri) => createRemoteJWKSet(new URL(uri), { timeoutDuration: FETCH_TIMEOUT_MS }));
    // A failed discovery is tried again on the next request, not remembered.
    this.keys.catch(() => {
      this.keys = undefined;
    });
    return this.keys;
  }

  private async discoverJwksUri(): Promise<string> {
    if (this.config.jwksUri) return this.config.jwksUri;
    const url = `${this.config.issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS), headers: { accept: 'application/json' } });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const doc = (await res.json()) as { jwks_uri?: unknown };
      if (typeof doc.jwks_uri !== 'string') throw new Error('no jwks_uri in the discovery document');
      return doc.jwks_uri;
    } catch (err) {
      this.logger.warn({ url, err: err instanceof Error ? err.message : String(err) }, 'OIDC discovery failed');
      throw new OidcUnavailableError(`OIDC discovery at ${url} failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}

function describe(err: unknown): string {
  if (err instanceof joseErrors.JWTExpired) return 'the token has expired (exp)';
  if (err instanceof joseErrors.JWTClaimValidationFailed) return `the token's ${err.claim} claim is not accepted: ${err.message}`;
  if (err instanceof joseErrors.JWSSignatureVerificationFailed) return 'the token signature does not verify with the issuer\'s keys';
  if (err instanceof joseErrors.JWKSNoMatchingKey) return 'the token is signed with a key the issuer does not publish';
  if (err instanceof Error) return `the token is not valid: ${err.message}`;
  return 'the token is not valid';
}

export function oidcVerifierFrom(config: PacsConfig, logger: Logger): OidcVerifier | undefined {
  const oidc = config.http.auth.oidc;
  return oidc ? new OidcVerifier(oidc, logger.child({ component: 'oidc' })) : undefined;
}
