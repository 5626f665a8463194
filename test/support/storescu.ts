import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

/**
 * What DCMTK's storescu reported for one file: a C-STORE response with Success or a Warning
 * status (the SCP has the object: "acknowledged"), a Failure status, a file storescu would not
 * send (unreadable, no SOP Instance UID), a request that got no response (association gone),
 * or nothing at all (storescu never got to it).
 */
export type StorescuOutcome = 'success' | 'warning' | 'failure' | 'refused' | 'no-response' | 'not-sent';

export interface StorescuFileResult {
  file: string;
  outcome: StorescuOutcome;
  /** storescu's words: the status text of the response, or its error line. */
  detail: string;
}

export interface StorescuOptions {
  port: number;
  files: readonly string[];
  host?: string;
  callingAe?: string;
  calledAe?: string;
  /** Called once per file as soon as storescu reports on it. */
  onResult?: (result: StorescuFileResult) => void;
}

export interface StorescuRun {
  /** One entry per file, updated while storescu runs. */
  results: Map<string, StorescuFileResult>;
  /** Resolves with storescu's exit code once it has ended. */
  done: Promise<number | string>;
  kill(): void;
}

export const isAcknowledged = (r: StorescuFileResult | undefined): boolean => r?.outcome === 'success' || r?.outcome === 'warning';

/**
 * Runs storescu on one association with `-v` (its log names the file before each request and
 * the status of each response, PS3.7 C.4.2.1.6), and `--no-halt`, so one failed instance does
 * not stop the rest, as a modality with a queue behaves.
 */
export function runStorescu(options: StorescuOptions): StorescuRun {
  const results = new Map<string, StorescuFileResult>(options.files.map((file) => [file, { file, outcome: 'not-sent', detail: '' }]));
  const child = spawn('storescu', [
    '-v', '--no-halt', '-aet', options.callingAe ?? 'MODALITY', '-aec', options.calledAe ?? 'PACS',
    options.host ?? '127.0.0.1', String(options.port), ...options.files,
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  let current: string | undefined;
  const report = (outcome: StorescuOutcome, detail: string): void => {
    if (current === undefined) return;
    const result = { file: current, outcome, detail };
    results.set(current, result);
    current = undefined;
    options.onResult?.(result);
  };
  // storescu logs to stderr; the XMIT progress dots go to stdout and are ignored.
  createInterface({ input: child.stderr }).on('line', (line) => {
    let m: RegExpExecArray | null;
    if ((m = /^I: Sending file: (.*)$/.exec(line))) current = m[1];
    else if ((m = /^I: Received Store Response \((.*)\)$/.exec(line))) {
      const status = m[1] ?? '';
      report(/^Success/.test(status) ? 'success' : /^Warning/.test(status) ? 'warning' : 'failure', status);
    } else if (/^E: Store Failed/.test(line)) report('no-response', line);
    else if (/^E: (Bad DICOM file|No SOP Class or Instance UID|No presentation context|Unknown SOP class|No valid presentation context)/i.test(line)) report('refused', line);
  });
  const done = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')));
  return {
    results,
    done,
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

/** Sends the files over `associations` storescu processes in parallel; resolves with every file's result. */
export async function storescuInParallel(
  options: Omit<StorescuOptions, 'files'> & { files: readonly string[]; associations: number },
): Promise<Map<string, StorescuFileResult>> {
  const per = Math.ceil(options.files.length / options.associations);
  const runs = Array.from({ length: options.associations }, (_, k) => options.files.slice(k * per, (k + 1) * per))
    .filter((files) => files.length > 0)
    .map((files) => runStorescu({ ...options, files }));
  await Promise.all(runs.map((r) => r.done));
  return new Map(runs.flatMap((r) => [...r.results]));
}
