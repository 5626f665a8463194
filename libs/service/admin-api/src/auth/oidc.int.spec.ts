// OIDC bearer validation against a real HTTP identity provider stand-in: a node:http server
// publishing a discovery document and a JWKS, tokens signed with jose.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { createLogger } from '@pacs/platform';
import { claimValues, looksLikeJwt, OidcVerifier, roleOf } from './oidc';

type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

describe('OIDC bearer tokens', () => {
  let server: Server;
  let issuer: string;
  let signing: PrivateKey;
  let stranger: PrivateKey;
  let discoveries = 0;
  const logger = createLogger({ level: 'silent' }, 'oidc-test');

  before(async () => {
    const pair = await generateKeyPair('RS256');
    signing = pair.privateKey;
    stranger = (await generateKeyPair('RS256')).privateKey;
    const jwk: JWK = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    server = createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      if (req.url === '/realms/pacs/.well-known/openid-configuration') {
        discoveries++;
        res.end(JSON.stringify({ issuer, jwks_uri: `${issuer}/certs` }));
      } else if (req.url === '/realms/pacs/certs') {
        res.end(JSON.stringify({ keys: [jwk] }));
      } else {
        res.statusCode = 404;
        res.end('{}');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}/realms/pacs`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const token = (claims: Record<string, unknown>, options: { key?: PrivateKey; aud?: string; iss?: string; exp?: string | number; nbf?: string | number } = {}) => {
    const jwt = new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).setIssuedAt().setSubject('u-1')
      .setIssuer(options.iss ?? issuer).setAudience(options.aud ?? 'pacs-api').setExpirationTime(options.exp ?? '5m');
    if (options.nbf !== undefined) jwt.setNotBefore(options.nbf);
    return jwt.sign(options.key ?? signing);
  };

  test('a valid token: role from the roles claim (the highest), name from preferred_username; discovery once', async () => {
    const verifier = new OidcVerifier({ issuer, audience: 'pacs-api', roleClaim: 'roles' }, logger);
    const jwt = await token({ roles: ['viewer', 'operator', 'unrelated'], preferred_username: 'jane' });
    assert.equal(looksLikeJwt(jwt), true);
    assert.deepEqual(await verifier.authenticate(jwt), { ok: true, name: 'oidc:jane', role: 'operator' });
    await verifier.authenticate(jwt);
    assert.equal(discoveries, 1);
  });

  test('roleMapping and a nested claim (Keycloak realm_access.roles)', async () => {
    const verifier = new OidcVerifier({ issuer, audience: 'pacs-api', roleClaim: 'realm_access.roles', roleMapping: { 'pacs-admins': 'admin' } }, logger);
    assert.deepEqual(await verifier.authenticate(await token({ realm_access: { roles: ['pacs-admins'] } })), { ok: true, name: 'oidc:u-1', role: 'admin' });
    const none = await verifier.authenticate(await token({ realm_access: { roles: ['admin'] } }));
    assert.deepEqual(none.ok ? undefined : none.status, 403, 'unmapped roles give no role');
  });

  test('expired, not yet valid, wrong audience, wrong issuer, foreign signature → 401 naming the reason', async () => {
    const verifier = new OidcVerifier({ issuer, audience: 'pacs-api', roleClaim: 'roles', jwksUri: `${issuer}/certs` }, logger);
    const now = Math.floor(Date.now() / 1000);
    const cases: Array<[string, Promise<string>, RegExp]> = [
      ['expired', token({ roles: ['admin'] }, { exp: now - 3600 }), /expired/],
      ['not yet valid', token({ roles: ['admin'] }, { nbf: now + 3600 }), /nbf/],
      ['wrong audience', token({ roles: ['admin'] }, { aud: 'another-api' }), /aud/],
      ['wrong issuer', token({ roles: ['admin'] }, { iss: 'https://elsewhere.example' }), /iss/],
      ['foreign signature', token({ roles: ['admin'] }, { key: stranger }), /signature/],
    ];
    for (const [what, jwt, reason] of cases) {
      const result = await verifier.authenticate(await jwt);
      assert.equal(result.ok, false, what);
      if (!result.ok) {
        assert.equal(result.status, 401, what);
        assert.match(result.detail, reason, what);
      }
    }
  });

  test('an unreachable identity provider → 503, not a silent 401', async () => {
    const verifier = new OidcVerifier({ issuer: 'http://127.0.0.1:9/nothing', audience: 'pacs-api', roleClaim: 'roles' }, logger);
    const result = await verifier.authenticate(await token({ roles: ['admin'] }));
    assert.equal(result.ok ? 0 : result.status, 503);
  });

  test('API tokens are not JWTs; claims as strings or arrays', () => {
    assert.equal(looksLikeJwt('q3Vh3kYk1vF8yL0oX2nS1w4a9Z7c6b5d4e3f2g1h0iA'), false);
    assert.equal(looksLikeJwt('a.b.c'), false);
    assert.deepEqual(claimValues({ scope: 'viewer admin' }, 'scope'), ['viewer', 'admin']);
    assert.deepEqual(claimValues({}, 'roles'), []);
    assert.equal(roleOf(['viewer', 'admin'], undefined), 'admin');
    assert.equal(roleOf(['constructor'], undefined), undefined);
  });
});
