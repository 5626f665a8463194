// CPU per thread of a server's process tree over an interval, for bench/profile.sh:
//   node --import tsx bench/thread-cpu.ts snapshot ROOT_PID > before.json
//   ... the measured work ...
//   node --import tsx bench/thread-cpu.ts snapshot ROOT_PID > after.json
//   node --import tsx bench/thread-cpu.ts report before.json after.json --instances N [--tck 100]
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { listProcs, processTree, roleOf, threadsOf, type ThreadCpu } from './lib/procfs';
import { formatThreadCpu, threadCpuDelta } from './lib/thread-cpu';

interface Snapshot {
  threads: ThreadCpu[];
  /** pid → program (procfs roleOf), kept because the processes may be gone by report time. */
  roles: Record<string, string>;
}

const { values, positionals } = parseArgs({
  options: { instances: { type: 'string' }, tck: { type: 'string', default: '100' } },
  allowPositionals: true,
});
const [command, ...args] = positionals;

if (command === 'snapshot' && args.length === 1) {
  const procs = listProcs();
  const pids = processTree(procs, [Number(args[0])]);
  const roles = Object.fromEntries(pids.map((pid) => [pid, roleOf(pid, procs.get(pid)?.comm ?? '?')]));
  process.stdout.write(`${JSON.stringify({ threads: threadsOf(pids), roles } satisfies Snapshot)}\n`);
} else if (command === 'report' && args.length === 2 && values.instances !== undefined) {
  const [before, after] = args.map((file) => JSON.parse(readFileSync(file, 'utf8')) as Snapshot) as [Snapshot, Snapshot];
  const lines = formatThreadCpu(threadCpuDelta(before.threads, after.threads), {
    instances: Number(values.instances),
    ticksPerSecond: Number(values.tck),
    roleOf: (pid) => after.roles[pid] ?? before.roles[pid] ?? '?',
  });
  process.stdout.write(`${lines.join('\n')}\n`);
} else {
  process.stderr.write('usage: thread-cpu.ts snapshot ROOT_PID | report BEFORE.json AFTER.json --instances N [--tck TICKS_PER_SECOND]\n');
  process.exit(2);
}
