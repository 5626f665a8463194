// Issue 7 end to end on the embedded system with auth on: the change feed (storescu a study →
// new-* changes, then study-stable after archiver.stableStudyMs; delete → deleted-*), a regen
// job run by the archiver, the conformance view, recent associations with a rejected one, and
// OIDC bearer tokens checked against a local identity provider (a node:http server publishing
// a discovery document and a JWKS; tokens signed with jose).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { adminHttp, waitFor, makeDataset, startPacsProcess, type PacsProcess } from '@pacs/testing';
import { run } from '../interop/support/processes';

const ADMIN_TOKEN = 'admin-token-for-the-changes-e2e-0123456789';
const SHAPE = { patients: 2, studiesPerPatient: 1, seriesPerStudy: 2, instancesPerSeries: 2, size: 8 };
const CT_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.2';
const EXPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2.1';

interface ChangeJson {
  seq: number;
  kind: string;
  level: string;
  uid: string;
  studyInstanceUid?: string;
}

type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

describe('change feed, regen, conformance, associations, OIDC (embedded, auth on)', () => {
  const work = mkdtempSync(join(tmpdir(), 'pacs-changes-e2e-'));
  const generated = makeDataset(join(work, 'dataset'), SHAPE);
  const study = generated[0]!.studyInstanceUid;
  const ofStudy = generated.filter((g) => g.studyInstanceUid === study);
  let pacs: PacsProcess;
  let http: number;
  let dicom: number;
  let idp: Server;
  let issuer: string;
  let signing: PrivateKey;
  let stranger: PrivateKey;

  const { api, json } = adminHttp(() => http, ADMIN_TOKEN);
  /** Every change so far, read page by page as a client would. */
  const allChanges = async (): Promise<ChangeJson[]> => {
    const out: ChangeJson[] = [];
    let since = 0;
    for (;;) {
      const page = await json(`/api/changes?since=${since}&limit=5`);
      assert.equal(page.status, 200);
      out.push(...(page.body['changes'] as ChangeJson[]));
      since = page.body['last'] as number;
      if (page.body['done'] === true) return out;
    }
  };
  const kindsOf = (changes: ChangeJson[], uid: string) => changes.filter((c) => c.uid === uid || c.studyInstanceUid === uid).map((c) => c.kind);
  const count = (kinds: string[], kind: string) => kinds.filter((k) => k === kind).length;

  before(async () => {
    const pair = await generateKeyPair('RS256');
    signing = pair.privateKey;
    stranger = (await generateKeyPair('RS256')).privateKey;
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    idp = createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      if (req.url === '/.well-known/openid-configuration') res.end(JSON.stringify({ issuer, jwks_uri: `${issuer}/jwks` }));
      else if (req.url === '/jwks') res.end(JSON.stringify({ keys: [jwk] }));
      else {
        res.statusCode = 404;
        res.end('{}');
      }
    });
    await new Promise<void>((resolve) => idp.listen(0, '127.0.0.1', resolve));
    issuer = `http://127.0.0.1:${(idp.address() as AddressInfo).port}`;

    const config = join(work, 'pacs.yaml');
    writeFileSync(config, [
      'aeMap:',
      '  - { aeTitle: MODALITY }',
      'http:',
      '  auth:',
      '    oidc:',
      `      issuer: ${issuer}`,
      '      audience: pacs-api',
      '      roleMapping: { pacs-admin: admin, pacs-viewer: viewer }',
      '',
    ].join('\n'));
    pacs = startPacsProcess('all-in-one', {
      PACS_CONFIG: config, PACS_HTTP__AUTH__ENABLED: 'true', PACS_HTTP__AUTH__ADMINTOKEN: ADMIN_TOKEN, PACS_DICOM__ACCEPTUNKNOWNCALLINGAE: 'false',
      PACS_ARCHIVER__STABLESTUDYMS: '1500', PACS_ARCHIVER__POLLINTERVALMS: '200',
    });
    dicom = await pacs.listeningPort('DICOM');
    http = await pacs.listeningPort('HTTP');
    const r = await run('storescu', ['-aet', 'MODALITY', '-aec', 'PACS', '127.0.0.1', String(dicom), ...generated.map((g) => g.path)], { timeoutMs: 120_000 });
    assert.equal(r.code, 0, r.output);
  });
  after(async () => {
    await pacs?.stop('SIGKILL');
    await new Promise<void>((resolve) => (idp ? idp.close(() => resolve()) : resolve()));
    rmSync(work, { recursive: true, force: true });
  });

  test('GET /api/changes: new-patient, new-study, new-series and new-instance for what was stored, then study-stable once', async () => {
    const kinds = await waitFor('study-stable in the change feed', async () => {
      const k = kindsOf(await allChanges(), study);
      return k.includes('study-stable') ? k : undefined;
    });
    assert.equal(count(kinds, 'new-study'), 1);
    assert.equal(count(kinds, 'new-series'), SHAPE.seriesPerStudy);
    assert.equal(count(kinds, 'new-instance'), ofStudy.length);
    assert.equal(count(kinds, 'study-stable'), 1);
    assert.ok(kinds.lastIndexOf('new-instance') < kinds.indexOf('study-stable'), 'stable after the last new instance');
    const all = await allChanges();
    assert.equal(all.filter((c) => c.kind === 'new-patient' && c.uid === generated[0]!.patientId).length, 1);
    assert.deepEqual(all.map((c) => c.seq), [...all.map((c) => c.seq)].sort((a, b) => a - b), 'oldest first');
    const bad = await json('/api/changes?since=-1');
    assert.equal(bad.status, 400);
    assert.match(String(bad.body['detail']), /since/);
  });

  test('DELETE a study → deleted-instance, deleted-series, deleted-study', async () => {
    assert.equal((await json(`/api/studies/${study}`, { method: 'DELETE' })).status, 200);
    const kinds = await waitFor('deleted-study', async () => {
      const k = kindsOf(await allChanges(), study);
      return k.includes('deleted-study') ? k : undefined;
    });
    assert.equal(count(kinds, 'deleted-instance'), ofStudy.length);
    assert.equal(count(kinds, 'deleted-series'), SHAPE.seriesPerStudy);
    assert.equal(count(kinds, 'deleted-study'), 1);
  });

  test('POST /api/regen (admin) → 202 with a regen job the archiver completes; bad body → 400', async () => {
    const res = await json('/api/regen', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    assert.equal(res.status, 202);
    assert.equal(res.body['kind'], 'regen');
    const id = res.body['id'] as string;
    const done = await waitFor('regen job finished', async () => {
      const job = await json(`/api/jobs/${id}`);
      return ['done', 'failed'].includes(job.body['state'] as string) ? job.body : undefined;
    });
    assert.equal(done['state'], 'done', String(done['lastError']));
    const bad = await json('/api/regen', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ studyInstanceUid: 'not a uid' }) });
    assert.equal(bad.status, 400);
    assert.match(String(bad.body['detail']), /studyInstanceUid/);
  });

  test('GET /api/conformance lists CT Image Storage with Explicit VR Little Endian, our AE title and implementation class UID', async () => {
    const { status, body } = await json('/api/conformance');
    assert.equal(status, 200);
    assert.equal(body['aeTitle'], 'PACS');
    assert.match(String(body['implementationClassUid']), /^[0-9.]+$/);
    const ct = (body['sopClasses'] as Array<{ uid: string; keyword: string; transferSyntaxes: string[] }>).find((c) => c.uid === CT_IMAGE_STORAGE);
    assert.equal(ct?.keyword, 'CTImageStorage');
    assert.ok(ct?.transferSyntaxes.includes(EXPLICIT_VR_LITTLE_ENDIAN));
    assert.ok((body['transferSyntaxes'] as Array<{ uid: string; name: string }>).some((t) => t.uid === EXPLICIT_VR_LITTLE_ENDIAN && t.name === 'Explicit VR Little Endian'));
  });

  test('an association from an unknown calling AE is rejected and shows in /api/associations?failed=true; the stores in ?failed=false', async () => {
    const r = await run('echoscu', ['-aet', 'STRANGER', '-aec', 'PACS', '127.0.0.1', String(dicom)], { timeoutMs: 30_000 });
    assert.notEqual(r.code, 0, r.output);
    const rejected = await waitFor('the rejected association listed', async () => {
      const { body } = await json('/api/associations?failed=true');
      return (body['items'] as Array<Record<string, unknown>>).find((a) => a['callingAe'] === 'STRANGER');
    });
    assert.equal(rejected['outcome'], 'rejected');
    assert.equal(rejected['calledAe'], 'PACS');
    assert.deepEqual(rejected['rejection'], { result: 1, source: 1, reason: 3 }, 'PS3.8 §9.3.4: rejected-permanent, service-user, calling AE title not recognized');
    const { body } = await json('/api/associations?failed=false&callingAe=MODALITY');
    const stored = (body['items'] as Array<{ operations: Record<string, number>; outcome: string }>);
    assert.ok(stored.some((a) => a.outcome === 'released' && a.operations['C-STORE'] === generated.length), JSON.stringify(stored));
    assert.equal((await json('/api/associations?failed=maybe')).status, 400);
  });

  test('OIDC: a valid token acts with its mapped role; expired, wrong audience or foreign signature → 401; API tokens keep working', async () => {
    const now = Math.floor(Date.now() / 1000);
    const jwt = (roles: string[], o: { aud?: string; exp?: number; key?: PrivateKey } = {}) =>
      new SignJWT({ roles, preferred_username: 'jane' }).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).setIssuer(issuer).setAudience(o.aud ?? 'pacs-api')
        .setSubject('u-1').setIssuedAt().setExpirationTime(o.exp ?? now + 300).sign(o.key ?? signing);

    const admin = await jwt(['pacs-admin']);
    assert.equal((await json('/api/changes?limit=1', { token: admin })).status, 200);
    const viewer = await jwt(['pacs-viewer']);
    assert.equal((await json('/api/conformance', { token: viewer })).status, 200);
    const refused = await json('/api/regen', { method: 'POST', token: viewer, headers: { 'content-type': 'application/json' }, body: '{}' });
    assert.equal(refused.status, 403);
    assert.match(String(refused.body['detail']), /admin role/);

    for (const [what, token] of [
      ['expired', await jwt(['pacs-admin'], { exp: now - 600 })],
      ['wrong audience', await jwt(['pacs-admin'], { aud: 'another-api' })],
      ['foreign signature', await jwt(['pacs-admin'], { key: stranger })],
    ] as const) {
      const res = await api('/api/changes', { token });
      assert.equal(res.status, 401, what);
      assert.match(res.headers.get('www-authenticate') ?? '', /invalid_token/, what);
    }
    assert.equal((await json('/api/changes?limit=1')).status, 200, 'the API token still works');
  });
});
