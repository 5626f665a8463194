import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { createInterface } from 'node:readline';

/** A server started by a test, which the test may kill and start again. */
export interface ServerProcess {
  child: ChildProcess;
  /** Output lines so far (stdout and stderr), for failure messages. */
  output: string[];
  exited: Promise<number | string>;
  /** Sends the signal (if still running) and waits for the exit. */
  kill(signal?: NodeJS.Signals): Promise<number | string>;
}

export class ServerStartError extends Error {
  override readonly name = 'ServerStartError';
}

/**
 * Spawns a server and resolves once one of its output lines matches `ready`; rejects when it
 * exits first or stays silent for `startTimeoutMs` (a bound on waiting, not a measurement).
 */
export function spawnServer(
  what: string, command: string, args: readonly string[], ready: RegExp, options: SpawnOptions = {}, startTimeoutMs = 60_000,
): Promise<ServerProcess> {
  const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')));
  const server: ServerProcess = {
    child,
    output,
    exited,
    async kill(signal = 'SIGKILL') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void server.kill();
      reject(new ServerStartError(`${what} not ready after ${startTimeoutMs} ms: ${output.slice(-10).join('\n')}`));
    }, startTimeoutMs);
    const onLine = (line: string): void => {
      output.push(line);
      if (ready.test(line)) {
        clearTimeout(timer);
        resolve(server);
      }
    };
    createInterface({ input: child.stdout! }).on('line', onLine);
    createInterface({ input: child.stderr! }).on('line', onLine);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(new ServerStartError(`${what} cannot start: ${err.message}`));
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new ServerStartError(`${what} exited (${code}) before it was ready: ${output.slice(-10).join('\n')}`));
    });
  });
}
