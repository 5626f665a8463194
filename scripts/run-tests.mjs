#!/usr/bin/env node
// Runs the project's tests with node's built-in test runner (TypeScript through tsx) and
// ends with one plain summary line, "N passed, M failed", which CI reads.
//
//   node scripts/run-tests.mjs [--unit|--integration] [dir-or-file ...]
//
// Tiers by file name: *.spec.ts unit (no network), *.int.spec.ts integration (real
// Postgres, NATS, S3 API, DCMTK), *.e2e.spec.ts end to end (the whole system).
import { spawn } from 'node:child_process';
import { readdirSync, statSync, readFileSync, mkdtempSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';

const args = process.argv.slice(2);
const tier = args.includes('--unit') ? 'unit' : args.includes('--integration') ? 'integration' : 'all';
const roots = args.filter((a) => !a.startsWith('--'));
const searchRoots = roots.length > 0 ? roots : ['libs', 'apps', 'test', 'tools'];

function* walk(path) {
  let st;
  try { st = statSync(path); } catch { return; }
  if (st.isFile()) { yield path; return; }
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules' || entry === 'dist' || entry.startsWith('.')) continue;
    yield* walk(join(path, entry));
  }
}
const isIntegration = (f) => f.endsWith('.int.spec.ts') || f.endsWith('.e2e.spec.ts');
const files = [...new Set(searchRoots.flatMap((r) => [...walk(r)]))]
  .filter((f) => f.endsWith('.spec.ts'))
  .filter((f) => tier === 'all' || (tier === 'unit' ? !isIntegration(f) : isIntegration(f)))
  .sort();
if (files.length === 0) {
  console.log('no test files found');
  console.log('0 passed, 0 failed');
  process.exit(1);
}
const tap = join(mkdtempSync(join(tmpdir(), 'pacs-tests-')), 'results.tap');
const concurrency = String(Math.max(2, availableParallelism()));
const child = spawn(process.execPath, [
  '--import', 'tsx', '--test', `--test-concurrency=${concurrency}`,
  '--test-reporter=spec', '--test-reporter-destination=stdout',
  '--test-reporter=tap', `--test-reporter-destination=${tap}`,
  ...files,
], { stdio: 'inherit', env: { ...process.env, TCP_NODELAY: '1' } });
child.on('exit', (code, signal) => {
  let passed = 0, failed = 0;
  try {
    const text = readFileSync(tap, 'utf8');
    passed = Number(/^# pass (\d+)$/m.exec(text)?.[1] ?? 0);
    failed = Number(/^# fail (\d+)$/m.exec(text)?.[1] ?? 0);
    failed += Number(/^# cancelled (\d+)$/m.exec(text)?.[1] ?? 0);
  } catch { failed += 1; }
  if (code !== 0 && failed === 0) failed = 1; // a crash of the runner itself is a failure
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(signal ? 1 : code ?? 1);
});
