// HAProxy (Debian's package) as the L4 load balancer of the local cluster simulation: TCP mode,
// leastconn, HTTP health checks against each listener's /readyz (its probe port), and no
// `on-marked-down shutdown-sessions`: a DICOM association that is running when its listener is
// marked down (draining) must be allowed to finish, not be cut.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export interface BackendServer {
  name: string;
  /** Where the listener accepts associations (plain or TLS port). */
  port: number;
  /** Where its /readyz answers. */
  checkPort: number;
}

export interface HaproxyFrontend {
  name: string;
  bindPort: number;
  servers: readonly BackendServer[];
}

export interface HaproxyConfigOptions {
  frontends: readonly HaproxyFrontend[];
  statsSocket: string;
  /** Milliseconds between health checks (a bound on how long a dead listener gets new work). */
  checkIntervalMs?: number;
}

/** The haproxy.cfg of the simulation (pure, so its choices are unit-tested). */
export function haproxyConfig(options: HaproxyConfigOptions): string {
  const inter = options.checkIntervalMs ?? 500;
  const lines = [
    'global',
    '  maxconn 4096',
    `  stats socket ${options.statsSocket} mode 600 level admin`,
    '  log stdout format raw local0 info',
    '',
    'defaults',
    '  mode tcp',
    '  log global',
    '  option tcplog',
    '  timeout connect 2s',
    // An association may be idle between operations for long; the listener's own idle timeout rules.
    '  timeout client 10m',
    '  timeout server 10m',
    '  timeout check 2s',
    // A connection refused by a listener that just died is retried on another one at once.
    '  retries 3',
    '  option redispatch 1',
    '',
  ];
  for (const f of options.frontends) {
    lines.push(
      `frontend ${f.name}`,
      `  bind 127.0.0.1:${f.bindPort}`,
      `  default_backend ${f.name}-listeners`,
      '',
      `backend ${f.name}-listeners`,
      '  balance leastconn',
      '  option httpchk GET /readyz',
      '  http-check expect status 200',
      `  default-server inter ${inter} fastinter ${inter} downinter ${inter} fall 2 rise 2`,
      ...f.servers.map((s) => `  server ${s.name} 127.0.0.1:${s.port} check port ${s.checkPort}`),
      '',
    );
  }
  return lines.join('\n');
}

export interface ServerState {
  backend: string;
  server: string;
  /** HAProxy's status column: UP, DOWN, MAINT, "UP 1/2", "DOWN 1/2", NOLB… */
  status: string;
  /** Sessions in progress. */
  sessions: number;
  /** Sessions in total. */
  totalSessions: number;
}

export interface RunningHaproxy {
  child: ChildProcess;
  /** HAProxy's log lines (tcplog format), for failure messages and attribution. */
  logs: string[];
  /** `show stat` over the admin socket, one row per server. */
  servers(): Promise<ServerState[]>;
  /** Sends one admin command (e.g. `set server dicom-listeners/l2 state maint`). */
  command(line: string): Promise<string>;
  /** Resolves once every listed server is in `status` (polling, bounded). */
  waitFor(servers: readonly string[], status: 'UP' | 'DOWN' | 'MAINT', what: string): Promise<void>;
  stop(): Promise<void>;
}

function socketCommand(path: string, line: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(path);
    let out = '';
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => (out += d));
    socket.once('error', reject);
    socket.once('end', () => resolve(out));
    socket.once('connect', () => socket.end(`${line}\n`));
  });
}

/** Starts haproxy in the foreground (-db) with the given frontends; resolves once its admin socket answers. */
export async function startHaproxy(frontends: readonly HaproxyFrontend[], checkIntervalMs?: number): Promise<RunningHaproxy> {
  const dir = mkdtempSync(join(tmpdir(), 'pacs-haproxy-'));
  const statsSocket = join(dir, 'admin.sock');
  const cfg = join(dir, 'haproxy.cfg');
  writeFileSync(cfg, haproxyConfig({ frontends, statsSocket, ...(checkIntervalMs === undefined ? {} : { checkIntervalMs }) }));
  const child = spawn('haproxy', ['-db', '-f', cfg], { stdio: ['ignore', 'pipe', 'pipe'] });
  const logs: string[] = [];
  createInterface({ input: child.stdout! }).on('line', (l) => logs.push(l));
  createInterface({ input: child.stderr! }).on('line', (l) => logs.push(l));
  const exited = new Promise<number | string>((r) => child.once('exit', (code, signal) => r(code ?? signal ?? 'unknown')));
  let gone = false;
  void exited.then(() => (gone = true));

  const command = (line: string): Promise<string> => socketCommand(statsSocket, line);
  const servers = async (): Promise<ServerState[]> => {
    const csv = await command('show stat');
    const [header, ...rows] = csv.split('\n').filter((l) => l.trim() !== '');
    const cols = (header ?? '').replace(/^# /, '').split(',');
    const at = (name: string): number => cols.indexOf(name);
    return rows
      .map((r) => r.split(','))
      .filter((c) => c[at('svname')] !== 'FRONTEND' && c[at('svname')] !== 'BACKEND')
      .map((c) => ({
        backend: c[at('pxname')] ?? '',
        server: c[at('svname')] ?? '',
        status: c[at('status')] ?? '',
        sessions: Number(c[at('scur')] ?? 0),
        totalSessions: Number(c[at('stot')] ?? 0),
      }));
  };

  for (let i = 0; ; i++) {
    if (gone) throw new Error(`haproxy exited at start: ${logs.join('\n')}`);
    const ok = await command('show info').then(() => true, () => false);
    if (ok) break;
    if (i > 200) {
      child.kill('SIGKILL');
      throw new Error(`haproxy admin socket silent: ${logs.join('\n')}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }

  return {
    child,
    logs,
    servers,
    command,
    async waitFor(names, status, what) {
      for (let i = 0; i < 600; i++) {
        const states = await servers();
        const wanted = states.filter((s) => names.includes(s.server));
        if (wanted.length > 0 && wanted.every((s) => s.status === status)) return;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`haproxy: ${what}: servers ${names.join(', ')} not ${status}: ${JSON.stringify(await servers())}`);
    },
    async stop() {
      if (!gone) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
