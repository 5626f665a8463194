import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { readDataSet, readFileMetaInformation } from '@pacs/dicom';
import { makeDataset, startPacsProcess, type PacsProcess } from '@pacs/testing';

// Import rules as a modality meets them, through DCMTK storescu and the embedded PACS: a
// rule refusing a calling AE, a rule setting Institution Name. The stored object carries
// the new value and the pixel bytes as sent.
const EXPLICIT_LE = '1.2.840.10008.1.2.1';

function storescu(port: number, files: string[], callingAe: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('storescu', ['-v', '-aet', callingAe, '-aec', 'PACS', '127.0.0.1', String(port), ...files], { env: { ...process.env, TCP_NODELAY: '1' } });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('exit', (code) => resolve({ code: code ?? -1, output }));
  });
}

function storedObjects(root: string): Buffer[] {
  const out: Buffer[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      if (name.startsWith('.')) continue;
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else out.push(readFileSync(path));
    }
  };
  walk(root);
  return out;
}

async function indexedInstances(httpPort: number, expected: number): Promise<number> {
  let count = -1;
  for (let i = 0; i < 600 && count < expected; i++) {
    const res = await fetch(`http://127.0.0.1:${httpPort}/api/statistics`).catch(() => undefined);
    if (res?.ok) count = ((await res.json()) as { instances: number }).instances;
    if (count < expected) await new Promise((r) => setTimeout(r, 100));
  }
  return count;
}

describe('import rules through DCMTK storescu (embedded mode)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pacs-import-rules-e2e-'));
  const instances = makeDataset(join(dir, 'dataset'), { patients: 1, studiesPerPatient: 1, seriesPerStudy: 1, instancesPerSeries: 3, size: 32 });
  const configFile = join(dir, 'pacs.yaml');
  writeFileSync(configFile, [
    'importRules:',
    '  - name: no strangers',
    '    match: { callingAe: "STRANGER*" }',
    '    actions: [{ action: reject, status: 0x0124, comment: "not accepted from this AE" }]',
    '  - name: institution',
    '    match: { modality: CT }',
    '    actions: [{ action: set, tag: "00080080", value: "General Hospital" }]',
    '',
  ].join('\n'));
  let pacs: PacsProcess | undefined;
  after(async () => {
    await pacs?.stop('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  test('a refused calling AE stores nothing; an accepted one gets 0xB000 and its objects carry the new Institution Name and the same pixels', async () => {
    pacs = startPacsProcess('all-in-one', { PACS_CONFIG: configFile });
    const dicom = await pacs.waitForLog((l) => l['msg'] === 'DICOM listening', 'DICOM listening');
    const http = await pacs.waitForLog((l) => l['msg'] === 'HTTP listening', 'HTTP listening');
    const port = Number(dicom['port']);
    const files = instances.map((i) => i.path);

    const refused = await storescu(port, files.slice(0, 1), 'STRANGER1');
    assert.match(refused.output, /Store Response \(.*0x0?124\)/i, refused.output);
    const root = join(pacs.dataDir, 'objects');
    assert.equal(storedObjects(root).length, 0, 'nothing stored for the refused AE');

    const accepted = await storescu(port, files, 'MODALITY');
    assert.equal(accepted.code, 0, accepted.output);
    assert.match(accepted.output, /Store Response \(Warning: CoercionOfDataElements\)/, 'the coercion warning (0xB000) reached the SCU');

    const stored = storedObjects(root);
    assert.equal(stored.length, instances.length);
    for (const object of stored) {
      const { meta, dataSetOffset } = readFileMetaInformation(object);
      const sent = instances.find((i) => i.sopInstanceUid === meta.mediaStorageSopInstanceUid);
      assert.ok(sent, 'one object per instance sent');
      const ds = readDataSet(object.subarray(dataSetOffset), EXPLICIT_LE);
      const original = readDataSet(sent.dataSet, EXPLICIT_LE);
      assert.equal(ds.getString(0x00080080), 'General Hospital');
      assert.ok(ds.getBytes(0x7fe00010)?.equals(original.getBytes(0x7fe00010) as Buffer), 'same pixel bytes');
      assert.equal(ds.getString(0x00100010), original.getString(0x00100010));
    }
    assert.equal(await indexedInstances(Number(http['port']), instances.length), instances.length, 'the coerced objects are indexed');
  });
});
