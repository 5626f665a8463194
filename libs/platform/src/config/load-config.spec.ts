import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ConfigError } from './config-error';
import { loadConfig, redactConfig } from './load-config';

const load = (env: Record<string, string>, argv: string[] = []) => loadConfig({ env, argv, cwd: '/srv/pacs' });

function configErrorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected a ConfigError');
}

describe('configuration', () => {
  test('embedded defaults: PGlite, in-process bus, filesystem under ./data, AE PACS on 11112, HTTP 8080', () => {
    const c = load({});
    assert.equal(c.mode, 'embedded');
    assert.equal(c.database.driver, 'pglite');
    assert.equal(c.database.dataDir, '/srv/pacs/data/db');
    assert.equal(c.bus.driver, 'in-process');
    assert.equal(c.storage.driver, 'filesystem');
    assert.equal(c.storage.filesystem.root, '/srv/pacs/data/objects');
    assert.equal(c.dicom.aeTitle, 'PACS');
    assert.equal(c.dicom.port, 11112);
    assert.equal(c.http.port, 8080);
    assert.equal(c.dicom.acceptUnknownCallingAe, true);
  });

  test('environment variables set nested keys, matching the schema names', () => {
    const c = load({ PACS_DICOM__PORT: '104', PACS_STORAGE__S3__USE_SSL: 'false', PACS_DATA_DIR: '/var/pacs', PACS_BUS__SERVERS: 'nats://a:4222,nats://b:4222' });
    assert.equal(c.dicom.port, 104);
    assert.equal(c.storage.s3.useSSL, false);
    assert.equal(c.dataDir, '/var/pacs');
    assert.deepEqual(c.bus.servers, ['nats://a:4222', 'nats://b:4222']);
  });

  test('a bad value names the key, what was expected and where it came from', () => {
    const err = configErrorOf(() => load({ PACS_HTTP__PORT: 'abc' }));
    assert.equal(err.key, 'http.port');
    assert.equal(err.message, 'config error: http.port: expected number, got string (from PACS_HTTP__PORT="abc")');
    assert.ok(!err.message.includes('\n'));
  });

  test('out-of-range and invalid values are refused', () => {
    assert.equal(configErrorOf(() => load({ PACS_DICOM__PORT: '70000' })).key, 'dicom.port');
    assert.equal(configErrorOf(() => load({ PACS_DICOM__AE_TITLE: 'THIS_AE_TITLE_IS_TOO_LONG' })).key, 'dicom.aeTitle');
    assert.equal(configErrorOf(() => load({ PACS_DICOM__AE_TITLE: 'BAD\\AE' })).key, 'dicom.aeTitle');
    assert.equal(configErrorOf(() => load({ PACS_DICOM__AE_TITLE: 'TAB\tAE' })).key, 'dicom.aeTitle');
    assert.equal(configErrorOf(() => load({ PACS_DICOM__AE_TITLE: '    ' })).key, 'dicom.aeTitle');
    assert.equal(configErrorOf(() => load({ PACS_MODE: 'cloud' })).message, 'config error: mode: expected one of embedded, cluster, got "cloud" (from PACS_MODE="cloud")');
  });

  test('an unknown environment variable is an error, not silently ignored', () => {
    const err = configErrorOf(() => load({ PACS_DICOM__PROT: '104' }));
    assert.equal(err.key, 'dicom.prot');
    assert.match(err.message, /unknown key; dicom has aeTitle, host, port/);
  });

  test('a config file is read (YAML), the environment wins over it, unknown file keys are refused', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pacs-config-'));
    const file = join(dir, 'pacs.yaml');
    writeFileSync(file, 'dicom:\n  aeTitle: ARCHIVE\n  port: 4242\nlog:\n  level: debug\n');
    const c = load({ PACS_CONFIG: file, PACS_DICOM__PORT: '11113' });
    assert.equal(c.dicom.aeTitle, 'ARCHIVE');
    assert.equal(c.dicom.port, 11113);
    assert.equal(c.log.level, 'debug');
    writeFileSync(file, 'dicom:\n  aetitle: X\n');
    const err = configErrorOf(() => load({}, ['--config', file]));
    assert.equal(err.key, 'dicom');
    assert.match(err.message, /unknown key\(s\) aetitle/);
  });

  test('a missing config file is a config error naming the file', () => {
    assert.match(configErrorOf(() => load({ PACS_CONFIG: '/nonexistent/pacs.yaml' })).message, /cannot read config file \/nonexistent\/pacs.yaml: ENOENT/);
  });

  test('cluster mode needs a database URL and S3 credentials, and refuses unknown calling AEs by default', () => {
    assert.equal(configErrorOf(() => load({ PACS_MODE: 'cluster' })).key, 'database.url');
    assert.equal(configErrorOf(() => load({ PACS_MODE: 'cluster', PACS_DATABASE__URL: 'postgres://db/pacs' })).key, 'storage.s3.accessKey');
    const c = load({ PACS_MODE: 'cluster', PACS_DATABASE__URL: 'postgres://pacs:secret@db/pacs', PACS_STORAGE__S3__ACCESS_KEY: 'k', PACS_STORAGE__S3__SECRET_KEY: 's' });
    assert.equal(c.database.driver, 'postgres');
    assert.equal(c.bus.driver, 'nats');
    assert.equal(c.storage.driver, 's3');
    assert.equal(c.dicom.acceptUnknownCallingAe, false);
    const shown = redactConfig(c);
    assert.equal(shown.database.url, 'postgres://pacs:***@db/pacs');
    assert.equal(shown.storage.s3.secretKey, '***');
  });

  test('import rules, regen and reconciler: read from the file (hex statuses in YAML), a bad rule names its key, the UID secret is masked', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pacs-config-rules-'));
    const file = join(dir, 'pacs.yaml');
    writeFileSync(file, [
      'ingest: { uidRemapSecret: "0123456789abcdef-site" }',
      'reconciler: { intervalMs: 60000 }',
      'importRules:',
      '  - name: no strangers',
      '    match: { callingAe: "STRANGER*" }',
      '    actions: [{ action: reject, status: 0xA7FF, comment: not here }]',
      '  - match: { modality: [CT, MR], attributes: [{ tag: "00081010", equals: CT01 }] }',
      '    actions: [{ action: set, tag: InstitutionName, value: General Hospital }, { action: newUids }, { action: tier, tier: fast }]',
      '',
    ].join('\n'));
    const c = load({ PACS_CONFIG: file });
    assert.equal(c.importRules.length, 2);
    assert.deepEqual(c.importRules[0]?.actions[0], { action: 'reject', status: 0xa7ff, comment: 'not here' });
    assert.equal(c.importRules[1]?.silent, false);
    assert.deepEqual(c.reconciler, { enabled: true, intervalMs: 60_000, graceMs: 120_000 });
    assert.deepEqual(c.regen, { concurrency: 8, progressEvery: 1_000, maxBacklog: 5_000 });
    assert.equal(redactConfig(c).ingest.uidRemapSecret, '***');

    writeFileSync(file, 'importRules: [{ actions: [{ action: rename, tag: PatientName }] }]\n');
    assert.match(configErrorOf(() => load({ PACS_CONFIG: file })).key, /^importRules\.0\.actions\.0/);
    writeFileSync(file, 'importRules: [{ match: { attributes: [{ tag: PatientID }] }, actions: [{ action: delete, tag: PatientName }] }]\n');
    assert.match(configErrorOf(() => load({ PACS_CONFIG: file })).message, /exactly one of equals, matches, present/);
  });
});
