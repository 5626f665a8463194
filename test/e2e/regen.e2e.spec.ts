import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { ROOT, buildApp, makeDataset, startPacsProcess, type PacsProcess } from '@pacs/testing';

// apps/regen as an operator runs it (Conquest's "regen"): the embedded database is lost, the
// objects are still in storage; `regen --full` rebuilds the index and the PACS, started
// again, answers with every instance.
function storescu(port: number, files: string[]): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn('storescu', ['-aet', 'MODALITY', '-aec', 'PACS', '127.0.0.1', String(port), ...files], { stdio: 'ignore' });
    child.on('exit', (code) => resolve(code ?? -1));
  });
}

/** Runs `node dist/apps/regen/main.js <args>`; resolves with its exit status and JSON log lines. */
function regen(args: string[], env: Record<string, string>): Promise<{ code: number; logs: Record<string, unknown>[]; stderr: string }> {
  const main = buildApp('regen');
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [main, ...args], {
      cwd: ROOT,
      env: { PATH: process.env['PATH'] ?? '', PACS_TELEMETRY__PROMETHEUS__PORT: '0', PACS_TELEMETRY__PROMETHEUS__HOST: '127.0.0.1', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => {
      const logs = stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
      resolve({ code: code ?? -1, logs, stderr });
    });
  });
}

async function instanceCount(httpPort: number, expected: number): Promise<number> {
  let count = -1;
  for (let i = 0; i < 600 && count !== expected; i++) {
    const res = await fetch(`http://127.0.0.1:${httpPort}/api/statistics`).catch(() => undefined);
    if (res?.ok) count = ((await res.json()) as { instances: number }).instances;
    if (count !== expected) await new Promise((r) => setTimeout(r, 100));
  }
  return count;
}

describe('regen app (embedded mode)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pacs-regen-e2e-'));
  const dataDir = join(dir, 'data');
  const instances = makeDataset(join(dir, 'dataset'), { patients: 1, studiesPerPatient: 2, seriesPerStudy: 1, instancesPerSeries: 3, size: 16 });
  const processes: PacsProcess[] = [];
  after(async () => {
    await Promise.all(processes.map((p) => p.stop('SIGKILL')));
    rmSync(dir, { recursive: true, force: true });
  });

  test('the database lost, regen --full rebuilds the index from storage', async () => {
    const env = { PACS_DATA_DIR: dataDir };
    const first = startPacsProcess('all-in-one', env);
    processes.push(first);
    const dicom = await first.waitForLog((l) => l['msg'] === 'DICOM listening', 'DICOM listening');
    const http = await first.waitForLog((l) => l['msg'] === 'HTTP listening', 'HTTP listening');
    assert.equal(await storescu(Number(dicom['port']), instances.map((i) => i.path)), 0);
    assert.equal(await instanceCount(Number(http['port']), instances.length), instances.length);
    assert.equal(await first.stop('SIGTERM'), 0);
    rmSync(join(dataDir, 'db'), { recursive: true, force: true });

    const usage = await regen([], env);
    assert.equal(usage.code, 64, 'neither --full nor --study: usage error');
    assert.match(usage.stderr, /usage: regen/);

    const run = await regen(['--full'], { ...env, PACS_REGEN__PROGRESS_EVERY: '2' });
    assert.equal(run.code, 0, run.stderr);
    const finished = run.logs.find((l) => l['msg'] === 'regen finished');
    assert.deepEqual({ scanned: finished?.['scanned'], announced: finished?.['announced'], failed: finished?.['failed'] }, { scanned: 6, announced: 6, failed: 0 });
    assert.equal(run.logs.filter((l) => l['msg'] === 'regen progress').length, 3, 'progress every 2 objects');

    const second = startPacsProcess('all-in-one', env);
    processes.push(second);
    const again = await second.waitForLog((l) => l['msg'] === 'HTTP listening', 'HTTP listening');
    assert.equal(await instanceCount(Number(again['port']), instances.length), instances.length);
  });
});
