// Process facts from /proc (Linux): the process tree under a root, resident memory and CPU
// ticks, and which of our programs a process is (from its command line).
import { readdirSync, readFileSync } from 'node:fs';

export interface ProcInfo {
  pid: number;
  ppid: number;
  comm: string;
  /** utime + stime + cutime + cstime, in clock ticks (reaped children included, as bench.sh counts). */
  ticks: number;
}

/** A /proc stat line: the command name (which may hold spaces and parentheses) and the fields after it, from field 3 (state) on. */
export function parseStat(stat: string): { comm: string; fields: string[] } {
  const close = stat.lastIndexOf(')');
  return { comm: stat.slice(stat.indexOf('(') + 1, close), fields: stat.slice(close + 2).split(' ') };
}

/** Every process now, from /proc/<pid>/stat. */
export function listProcs(): Map<number, ProcInfo> {
  const out = new Map<number, ProcInfo>();
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    } catch {
      continue;
    }
    const { comm, fields: f } = parseStat(stat);
    out.set(pid, { pid, ppid: Number(f[1]), comm, ticks: Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]) });
  }
  return out;
}

export interface ThreadCpu {
  pid: number;
  tid: number;
  comm: string;
  /** The thread's own user and system time (utime, stime), clock ticks. */
  userTicks: number;
  systemTicks: number;
}

/** Every thread of the processes now, from /proc/<pid>/task/<tid>/stat; a process gone is skipped. */
export function threadsOf(pids: readonly number[], procRoot = '/proc'): ThreadCpu[] {
  const out: ThreadCpu[] = [];
  for (const pid of pids) {
    let tids: string[];
    try {
      tids = readdirSync(`${procRoot}/${pid}/task`);
    } catch {
      continue;
    }
    for (const tid of tids) {
      let stat: string;
      try {
        stat = readFileSync(`${procRoot}/${pid}/task/${tid}/stat`, 'latin1');
      } catch {
        continue;
      }
      const { comm, fields: f } = parseStat(stat);
      out.push({ pid, tid: Number(tid), comm, userTicks: Number(f[11]), systemTicks: Number(f[12]) });
    }
  }
  return out;
}

/** The roots and all their descendants. */
export function processTree(procs: Map<number, ProcInfo>, roots: readonly number[]): number[] {
  const children = new Map<number, number[]>();
  for (const p of procs.values()) {
    const list = children.get(p.ppid) ?? [];
    list.push(p.pid);
    children.set(p.ppid, list);
  }
  const out: number[] = [];
  const todo = roots.filter((r) => procs.has(r));
  while (todo.length > 0) {
    const pid = todo.pop()!;
    out.push(pid);
    todo.push(...(children.get(pid) ?? []));
  }
  return out;
}

export interface Memory {
  /** Resident set now (VmRSS), KiB. */
  rssKiB: number;
  /** Peak resident set of the process's life so far (VmHWM), KiB. */
  hwmKiB: number;
}

export function memoryOf(pid: number): Memory | undefined {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'latin1');
  } catch {
    return undefined;
  }
  const field = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
  return { rssKiB: field('VmRSS'), hwmKiB: field('VmHWM') };
}

/** Which program: dist/apps/<name>/main.js → name, bench/<name>.ts → name, else the command name. */
export function roleOf(pid: number, comm: string): string {
  let cmdline = '';
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'latin1').replaceAll('\0', ' ');
  } catch {
    return comm;
  }
  const app = /dist\/apps\/([a-z-]+)\/main\.js/.exec(cmdline);
  if (app) return app[1]!;
  const script = /bench\/([a-z0-9-]+)\.(?:ts|sh)/.exec(cmdline);
  if (script) return script[1] === 's3-server' ? 's3rver' : script[1]!;
  return comm;
}

/** Root processes of a server program: those named `comm` whose parent is not. */
export function rootsNamed(procs: Map<number, ProcInfo>, comm: string): number[] {
  return [...procs.values()].filter((p) => p.comm === comm && procs.get(p.ppid)?.comm !== comm).map((p) => p.pid);
}

export function treeTicks(procs: Map<number, ProcInfo>, roots: readonly number[]): number {
  return processTree(procs, roots).reduce((sum, pid) => sum + (procs.get(pid)?.ticks ?? 0), 0);
}
