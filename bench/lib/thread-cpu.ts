// CPU time per thread over a measured interval: which of a process's threads did the work. The
// main thread runs our JavaScript; the others are V8's (optimizing compiler, garbage collector),
// libuv's pool (file system calls) and worker threads (embedded mode's PGlite). A process-wide
// CPU figure cannot tell these apart, and on two cores they compete with the client too.
import type { ThreadCpu } from './procfs';

/** Each thread's CPU between two snapshots (a thread started in between counts from zero), busiest first, idle ones left out. */
export function threadCpuDelta(before: readonly ThreadCpu[], after: readonly ThreadCpu[]): ThreadCpu[] {
  const start = new Map(before.map((t) => [t.tid, t]));
  return after
    .map((t) => ({ ...t, userTicks: t.userTicks - (start.get(t.tid)?.userTicks ?? 0), systemTicks: t.systemTicks - (start.get(t.tid)?.systemTicks ?? 0) }))
    .filter((t) => t.userTicks + t.systemTicks > 0)
    .sort((a, b) => b.userTicks + b.systemTicks - (a.userTicks + a.systemTicks));
}

export interface ThreadCpuReportOptions {
  /** Instances stored in the interval: figures are per instance. */
  instances: number;
  /** Clock ticks per second (getconf CLK_TCK). */
  ticksPerSecond: number;
  /** A name for a process (its program), e.g. procfs roleOf. */
  roleOf: (pid: number) => string;
}

/** One line per thread: program, pid/tid, main or other, user and system ms per instance; then the total. */
export function formatThreadCpu(delta: readonly ThreadCpu[], options: ThreadCpuReportOptions): string[] {
  const perInstance = (ticks: number): string => ((ticks * 1000) / options.ticksPerSecond / options.instances).toFixed(2).padStart(7);
  const lines = [`CPU ms per instance by thread (${options.instances} instances): user, system`];
  let user = 0;
  let system = 0;
  for (const t of delta) {
    user += t.userTicks;
    system += t.systemTicks;
    const kind = t.tid === t.pid ? 'main' : 'thread';
    lines.push(`${perInstance(t.userTicks)} ${perInstance(t.systemTicks)}  ${options.roleOf(t.pid)} ${t.pid}/${t.tid} ${kind} (${t.comm})`);
  }
  lines.push(`${perInstance(user)} ${perInstance(system)}  total`);
  return lines;
}
