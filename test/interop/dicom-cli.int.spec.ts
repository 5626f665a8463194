// tools/dicom-cli against an SCP built on serveDimse and DCMTK's storescp: what it prints and
// the exit codes it documents (0 ok, 1 usage, 2 association failure, 3 some operations failed).
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ROOT } from '@pacs/testing';
import { defaultAcceptancePolicy, DicomServer, parseSopList, serveDimse } from '@pacs/dicom';
import { dataSetPart } from './support/bytes';
import { freePort, run, startDaemon, type RunResult } from './support/processes';
import { startTestPacs, type TestPacs } from './support/test-pacs';

const DATASETS = join(ROOT, 'test/fixtures/datasets');
const STUDY_UID = '1.2.826.0.1.3680043.10.543.2';
let pacs: TestPacs;
let work: string;

const cli = (args: string[]): Promise<RunResult> =>
  run(process.execPath, ['--import', 'tsx', join(ROOT, 'tools/dicom-cli/src/main.ts'), ...args], { cwd: ROOT, timeoutMs: 60_000 });
const at = (p: TestPacs): string[] => ['-aec', p.aeTitle, '127.0.0.1', String(p.port)];

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'pacs-cli-'));
  pacs = await startTestPacs();
});
after(async () => {
  await pacs.close();
  rmSync(work, { recursive: true, force: true });
});

describe('dicom-cli', () => {
  test('echo: 0 on success, 2 when the called AE is refused or nobody listens, 1 on usage errors', async () => {
    const ok = await cli(['echo', ...at(pacs)]);
    assert.equal(ok.code, 0, ok.output);
    assert.match(ok.output, /0x0000 Success/);
    const rejected = await cli(['echo', '-aec', 'NOT-HERE', '127.0.0.1', String(pacs.port)]);
    assert.equal(rejected.code, 2, rejected.output);
    assert.match(rejected.output, /called-AE-title-not-recognized/);
    const refused = await cli(['echo', '-aec', 'X', '127.0.0.1', String(await freePort())]);
    assert.equal(refused.code, 2, refused.output);
    const usage = await cli(['echo', '127.0.0.1']);
    assert.equal(usage.code, 1, usage.output);
    assert.equal((await cli(['frobnicate'])).code, 1);
  });

  test('store DIR -j 2: every DICOM file stored, the rest skipped, a summary line', async () => {
    const before = pacs.stored.length;
    const r = await cli(['store', '-j', '2', ...at(pacs), DATASETS]);
    assert.equal(r.code, 0, r.output);
    const dicomFiles = readdirSync(DATASETS).filter((f) => f.endsWith('.dcm')).length;
    assert.equal(pacs.stored.length - before, dicomFiles);
    assert.match(r.output, new RegExp(`stored ${dicomFiles} of ${readdirSync(DATASETS).length} files \\(0 failed, 0 warnings, ${readdirSync(DATASETS).length - dicomFiles} skipped\\)`));
  });

  test('store: a SOP class the peer does not accept fails that file, exit 3', async () => {
    const ctOnly = await startTestPacs({ abstractSyntaxes: parseSopList('CTImageStorage - sop') });
    try {
      const r = await cli(['store', ...at(ctOnly), join(DATASETS, 'implicit-le.dcm')]);
      assert.equal(r.code, 3, r.output);
      assert.match(r.output, /no accepted presentation context/);
      assert.match(r.output, /stored 0 of 1 files \(1 failed/);
    } finally {
      await ctOnly.close();
    }
  });

  test('find -L STUDY -k …: one DICOM JSON line per match', async () => {
    const r = await cli(['find', '-L', 'STUDY', '-k', 'StudyInstanceUID', '-k', 'PatientID=PID-0001', ...at(pacs)]);
    assert.equal(r.code, 0, r.output);
    const lines = r.output.split('\n').filter((l) => l.startsWith('{'));
    assert.equal(lines.length, 1, r.output);
    const match = JSON.parse(lines[0]!) as Record<string, { vr: string; Value?: unknown[] }>;
    assert.deepEqual(match['0020000D'], { vr: 'UI', Value: [STUDY_UID] });
    assert.deepEqual(match['00100020'], { vr: 'LO', Value: ['PID-0001'] });
  });

  test('get --out DIR: the instance arrives as a Part 10 file with the stored data set', async () => {
    const out = join(work, 'get');
    const r = await cli(['get', '--out', out, '-L', 'STUDY', '-k', `StudyInstanceUID=${STUDY_UID}`, ...at(pacs)]);
    assert.equal(r.code, 0, r.output);
    assert.match(r.output, /C-GET: 1 completed, 0 failed/);
    const [file] = readdirSync(out);
    const latest = pacs.stored.at(-1)!;
    assert.ok(dataSetPart(join(out, file!)).equals(dataSetPart(latest.path)));
  });

  test('move --dest: 0 when delivered to storescp, 3 for an unknown destination (0xA801)', async () => {
    const destPort = await freePort();
    const destDir = mkdtempSync(join(work, 'dest-'));
    const dest = await startDaemon('storescp', ['-aet', 'CLIDEST', '+xa', '-od', destDir, String(destPort)], destPort);
    const mover = await startTestPacs({ moveDestinations: { CLIDEST: { host: '127.0.0.1', port: destPort } } });
    try {
      assert.equal((await cli(['store', ...at(mover), join(DATASETS, 'explicit-be.dcm')])).code, 0);
      const r = await cli(['move', '--dest', 'CLIDEST', '-L', 'STUDY', '-k', `StudyInstanceUID=${STUDY_UID}`, ...at(mover)]);
      assert.equal(r.code, 0, r.output);
      assert.equal(readdirSync(destDir).length, 1);
      const unknown = await cli(['move', '--dest', 'NOWHERE', '-L', 'STUDY', '-k', `StudyInstanceUID=${STUDY_UID}`, ...at(mover)]);
      assert.equal(unknown.code, 3, unknown.output);
      assert.match(unknown.output, /0xA801/);
    } finally {
      await mover.close();
      await dest.stop();
    }
  });
});

describe('dicom-cli --tls (PS3.15 Annex B)', () => {
  test('echo over TLS: 0 with the server certificate as CA, 2 without it (self-signed refused)', async () => {
    const dir = mkdtempSync(join(work, 'tls-'));
    const made = await run('openssl', [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost',
      '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
    ]);
    assert.equal(made.code, 0, made.output);
    const server = new DicomServer({
      host: '127.0.0.1',
      port: 0,
      tls: { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) },
      policy: defaultAcceptancePolicy({ aeTitle: 'TLSPACS', acceptUnknownCallingAe: true }),
    });
    server.on('association', (a) => serveDimse(a, {}));
    const { port } = await server.listen();
    try {
      const ok = await cli(['echo', '--tls', '--tls-ca', join(dir, 'cert.pem'), '-aec', 'TLSPACS', '127.0.0.1', String(port)]);
      assert.equal(ok.code, 0, ok.output);
      const untrusted = await cli(['echo', '--tls', '-aec', 'TLSPACS', '127.0.0.1', String(port)]);
      assert.equal(untrusted.code, 2, untrusted.output);
      assert.match(untrusted.output, /self[- ]signed/i);
    } finally {
      await server.close(500);
    }
  });
});
