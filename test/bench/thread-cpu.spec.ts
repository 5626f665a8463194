import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parseStat, threadsOf, type ThreadCpu } from '../../bench/lib/procfs';
import { formatThreadCpu, threadCpuDelta } from '../../bench/lib/thread-cpu';

/** A /proc stat line with the given name, utime and stime (fields 14 and 15). */
const statLine = (tid: number, comm: string, utime: number, stime: number): string =>
  `${tid} (${comm}) S 1 ${tid} ${tid} 0 -1 4194560 100 0 0 0 ${utime} ${stime} 0 0 20 0 1 0 5 1000 100\n`;

const thread = (tid: number, userTicks: number, systemTicks: number, pid = 10): ThreadCpu => ({ pid, tid, comm: 'node', userTicks, systemTicks });

describe('CPU per thread (bench/lib/procfs, bench/lib/thread-cpu)', () => {
  test('a stat line is split after the last parenthesis, so a name may hold spaces and parentheses', () => {
    const { comm, fields } = parseStat(statLine(7, 'V8 (x) Worker', 12, 34));
    assert.equal(comm, 'V8 (x) Worker');
    assert.equal(fields[0], 'S');
    assert.equal(fields[11], '12');
    assert.equal(fields[12], '34');
  });

  test('threadsOf reads every thread of each process and skips a process that is gone', () => {
    const root = mkdtempSync(join(tmpdir(), 'proc-'));
    try {
      for (const [tid, comm, u, s] of [[10, 'node', 5, 1], [11, 'V8 DefaultWorke', 2, 0]] as const) {
        mkdirSync(join(root, '10', 'task', String(tid)), { recursive: true });
        writeFileSync(join(root, '10', 'task', String(tid), 'stat'), statLine(tid, comm, u, s));
      }
      const threads = threadsOf([10, 99], root).sort((a, b) => a.tid - b.tid);
      assert.deepEqual(threads, [
        { pid: 10, tid: 10, comm: 'node', userTicks: 5, systemTicks: 1 },
        { pid: 10, tid: 11, comm: 'V8 DefaultWorke', userTicks: 2, systemTicks: 0 },
      ]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  test('the delta counts a thread started in between from zero, drops idle threads and puts the busiest first', () => {
    const before = [thread(10, 100, 10), thread(11, 50, 0), thread(12, 7, 7)];
    const after = [thread(10, 130, 20), thread(11, 51, 0), thread(12, 7, 7), thread(13, 60, 5)];
    assert.deepEqual(
      threadCpuDelta(before, after).map((t) => [t.tid, t.userTicks, t.systemTicks]),
      [[13, 60, 5], [10, 30, 10], [11, 1, 0]],
    );
  });

  test('the report gives milliseconds per instance, names the main thread and its program, and totals', () => {
    const lines = formatThreadCpu([thread(10, 200, 100), thread(11, 50, 0)], { instances: 1000, ticksPerSecond: 100, roleOf: () => 'all-in-one' });
    assert.equal(lines.length, 4);
    assert.match(lines[1]!, /^\s+2\.00\s+1\.00\s+all-in-one 10\/10 main \(node\)$/);
    assert.match(lines[2]!, /^\s+0\.50\s+0\.00\s+all-in-one 10\/11 thread \(node\)$/);
    assert.match(lines[3]!, /^\s+2\.50\s+1\.00\s+total$/);
  });
});
