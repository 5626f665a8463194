// Starting and stopping peers through the harness's run-peer.sh, with the same environment
// run.sh gives bench.sh, so that extra measurements see exactly the servers the harness saw.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');
/** ../shared/peers relative to the repository root; BENCH_PEERS_DIR overrides. */
export const PEERS_DIR = resolve(ROOT, process.env['BENCH_PEERS_DIR'] ?? '../shared/peers');
export const RUN_PEER = resolve(PEERS_DIR, 'run-peer.sh');

/** Our peers are `custom` peers of the harness; any other label is a harness peer name. */
export const isOurs = (label: string): boolean => label.startsWith('pacs-');
export const harnessPeer = (label: string): string => (isOurs(label) ? 'custom' : label);

export function peerEnv(label: string, datasetDir?: string): Record<string, string> {
  const env: Record<string, string> = { TCP_NODELAY: '1', BENCH_LABEL: label };
  if (datasetDir) env['BENCH_DATASET_DIR'] = datasetDir;
  if (isOurs(label)) {
    env['PEER_CMD'] = `exec ${resolve(ROOT, 'bench/peer.sh')} ${label}`;
    env['PEER_COUNT_CMD'] = resolve(ROOT, 'bench/count.sh');
  }
  return env;
}

export class PeerError extends Error {
  override readonly name = 'PeerError';

  constructor(
    readonly label: string,
    readonly action: string,
    readonly detail: string,
  ) {
    super(`${label} ${action} failed: ${detail}`);
  }
}

function runPeer(label: string, action: string, port: number, dir: string, extraEnv: Record<string, string> = {}): string {
  const r = spawnSync('bash', [RUN_PEER, harnessPeer(label), action, String(port), dir], {
    env: { ...process.env, ...peerEnv(label), ...extraEnv },
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new PeerError(label, action, (r.stderr || r.stdout || `exit ${r.status}`).trim().split('\n').slice(-5).join(' | '));
  return r.stdout.trim();
}

export const startPeer = (label: string, port: number, dir: string, env?: Record<string, string>): string => runPeer(label, 'start', port, dir, env);
export const stopPeer = (label: string, port: number, dir: string): string => runPeer(label, 'stop', port, dir);
export const countPeer = (label: string, port: number, dir: string, env?: Record<string, string>): string => runPeer(label, 'count', port, dir, env);
export const aetOf = (label: string, port: number, dir: string): string => runPeer(label, 'aet', port, dir);

export function peerRoots(dir: string): number[] {
  try {
    return [Number(readFileSync(resolve(dir, 'peer.pid'), 'utf8').trim())].filter((p) => Number.isInteger(p) && p > 0);
  } catch {
    return [];
  }
}
