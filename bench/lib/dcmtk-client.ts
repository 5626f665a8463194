// One run of a DCMTK client (storescu, movescu, getscu) as the harness times it: the whole
// process, start-up and association included, with TCP_NODELAY as bench.sh exports it.
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';

/** Resolves with the client's wall time in ms and its exit code (-1 when it could not start). */
export function runClient(command: string, args: string[]): Promise<{ ms: number; rc: number }> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: 'ignore', env: { ...process.env, TCP_NODELAY: '1' } });
    child.once('error', () => resolve({ ms: performance.now() - t0, rc: -1 }));
    child.once('exit', (code) => resolve({ ms: performance.now() - t0, rc: code ?? -1 }));
  });
}
