import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

export const ROOT = resolve(import.meta.dirname, '../..');

/** Builds an app bundle with the project's own build script (as `npm start` does). */
export function buildApp(app: string): string {
  const out = join(ROOT, 'dist/apps', app, 'main.js');
  const r = spawnSync(process.execPath, ['scripts/build.mjs', app], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`build of ${app} failed: ${r.stderr}`);
  if (!existsSync(out)) throw new Error(`build of ${app} wrote no ${out}`);
  return out;
}

export interface PacsProcess {
  child: ChildProcess;
  dataDir: string;
  /** Parsed JSON log lines seen so far. */
  logs: Record<string, unknown>[];
  stderr: string[];
  /** Resolves with the first log line for which `match` is true. */
  waitForLog(match: (line: Record<string, unknown>) => boolean, what: string): Promise<Record<string, unknown>>;
  /** The port the process logged for its DICOM or HTTP server ("DICOM listening" / "HTTP listening"). */
  listeningPort(server: 'DICOM' | 'HTTP'): Promise<number>;
  /** The last warnings and errors it logged (pino level ≥ 40), for failure messages. */
  problems(limit?: number): string;
  /** Resolves with the exit code (or signal name). */
  exited: Promise<number | string>;
  stop(signal?: NodeJS.Signals): Promise<number | string>;
}

/**
 * Starts a built app as a real child process with its own data directory and free ports
 * (port 0 everywhere unless the caller sets them), reading its JSON log lines.
 */
export function startPacsProcess(app: string, env: Record<string, string> = {}): PacsProcess {
  const main = buildApp(app);
  const dataDir = mkdtempSync(join(tmpdir(), `pacs-${app}-`));
  const child = spawn(process.execPath, ['--enable-source-maps', main], {
    cwd: ROOT,
    env: {
      PATH: process.env['PATH'] ?? '',
      PACS_DATA_DIR: dataDir,
      PACS_HTTP__PORT: '0',
      PACS_DICOM__PORT: '0',
      PACS_TELEMETRY__PROMETHEUS__PORT: '0',
      PACS_TELEMETRY__PROMETHEUS__HOST: '127.0.0.1',
      PACS_HTTP__HOST: '127.0.0.1',
      PACS_DICOM__HOST: '127.0.0.1',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Record<string, unknown>[] = [];
  const stderr: string[] = [];
  const waiters: { match: (l: Record<string, unknown>) => boolean; resolve: (l: Record<string, unknown>) => void }[] = [];
  createInterface({ input: child.stdout! }).on('line', (text) => {
    let line: Record<string, unknown>;
    try {
      line = JSON.parse(text) as Record<string, unknown>;
    } catch {
      line = { msg: text };
    }
    logs.push(line);
    for (const w of [...waiters]) if (w.match(line)) { waiters.splice(waiters.indexOf(w), 1); w.resolve(line); }
  });
  createInterface({ input: child.stderr! }).on('line', (text) => stderr.push(text));
  const exited = new Promise<number | string>((r) => child.once('exit', (code, signal) => r(code ?? signal ?? 'unknown')));
  const waitForLog: PacsProcess['waitForLog'] = (match, what) => {
    const seen = logs.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolveLine, reject) => {
      waiters.push({ match, resolve: resolveLine });
      exited.then((code) => reject(new Error(`${app} exited (${code}) before logging ${what}; stderr: ${stderr.join('\n')}; last logs: ${JSON.stringify(logs.slice(-5))}`)));
    });
  };
  const listeningPort: PacsProcess['listeningPort'] = async (server) =>
    Number((await waitForLog((l) => l['msg'] === `${server} listening`, `${server} listening`))['port']);
  const problems: PacsProcess['problems'] = (limit = 10) =>
    `${app} warnings and errors: ${JSON.stringify(logs.filter((l) => Number(l['level']) >= 40).slice(-limit))}`;
  return {
    child,
    dataDir,
    logs,
    stderr,
    waitForLog,
    listeningPort,
    problems,
    exited,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const code = await exited;
      rmSync(dataDir, { recursive: true, force: true });
      return code;
    },
  };
}
