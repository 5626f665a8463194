// Samples the resident memory of a peer's process tree every few hundred milliseconds, per
// program (role), separately for the moments when a storescu process is running (the store
// runs) and for the whole time. Optionally also the CPU that shared servers outside the tree
// (PostgreSQL, nats-server) use while storescu runs.
import { listProcs, memoryOf, processTree, roleOf, rootsNamed, treeTicks, type ProcInfo } from './procfs';

/** Linux USER_HZ: /proc CPU times are in 1/100 s. */
export const TICKS_PER_SECOND = 100;

export interface RoleMemory {
  /** Largest VmRSS seen while a storescu process ran, MiB (0 when none did). */
  peakRssStoreMiB: number;
  /** Largest VmRSS seen at any sample, MiB. */
  peakRssMiB: number;
  /** Largest VmHWM seen (peak of a process's whole life, start-up included), MiB. */
  hwmMiB: number;
  /** Processes seen with this role (restarts count). */
  processes: number;
  /** CPU seconds this program used while a storescu process ran (all its processes, all runs). */
  cpuStoreS: number;
}

export interface SamplerSummary {
  intervalMs: number;
  samples: number;
  storeSamples: number;
  roles: Record<string, RoleMemory>;
  /** CPU seconds of servers outside the tree while storescu ran (shared with other users: approximate). */
  externalCpuStoreS?: Record<string, number>;
}

const mib = (kib: number): number => Math.round((kib / 1024) * 10) / 10;

export class RssSampler {
  private readonly roles = new Map<string, RoleMemory>();
  private readonly seenPids = new Map<string, Set<number>>();
  private readonly external = new Map<string, number>();
  private readonly lastTicks = new Map<number, number>();
  private readonly cpuTicks = new Map<string, number>();
  private lastExternal: Map<string, number> | undefined;
  private samples = 0;
  private storeSamples = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly roots: () => number[],
    private readonly intervalMs = 200,
    private readonly externalServers: readonly string[] = [],
    /** Counts as a store window: a process with this command name exists. */
    private readonly storeClient = 'storescu',
  ) {}

  start(): this {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    return this;
  }

  stop(): SamplerSummary {
    if (this.timer) clearInterval(this.timer);
    this.sample();
    const roles: Record<string, RoleMemory> = {};
    for (const [role, m] of [...this.roles].sort(([a], [b]) => a.localeCompare(b))) roles[role] = { ...m, processes: this.seenPids.get(role)?.size ?? 0, cpuStoreS: (this.cpuTicks.get(role) ?? 0) / TICKS_PER_SECOND };
    const summary: SamplerSummary = { intervalMs: this.intervalMs, samples: this.samples, storeSamples: this.storeSamples, roles };
    if (this.externalServers.length > 0) {
      summary.externalCpuStoreS = Object.fromEntries(this.externalServers.map((s) => [s, (this.external.get(s) ?? 0) / TICKS_PER_SECOND]));
    }
    return summary;
  }

  sample(): void {
    const procs = listProcs();
    const storeActive = [...procs.values()].some((p) => p.comm === this.storeClient);
    this.samples++;
    if (storeActive) this.storeSamples++;
    for (const pid of processTree(procs, this.roots())) {
      const mem = memoryOf(pid);
      const info = procs.get(pid);
      if (!mem || !info || mem.rssKiB === 0) continue;
      const role = roleOf(pid, info.comm);
      const m = this.roles.get(role) ?? { peakRssStoreMiB: 0, peakRssMiB: 0, hwmMiB: 0, processes: 0, cpuStoreS: 0 };
      const before = this.lastTicks.get(pid);
      if (storeActive && before !== undefined) this.cpuTicks.set(role, (this.cpuTicks.get(role) ?? 0) + Math.max(0, info.ticks - before));
      this.lastTicks.set(pid, info.ticks);
      m.peakRssMiB = Math.max(m.peakRssMiB, mib(mem.rssKiB));
      m.hwmMiB = Math.max(m.hwmMiB, mib(mem.hwmKiB));
      if (storeActive) m.peakRssStoreMiB = Math.max(m.peakRssStoreMiB, mib(mem.rssKiB));
      this.roles.set(role, m);
      const pids = this.seenPids.get(role) ?? new Set<number>();
      pids.add(pid);
      this.seenPids.set(role, pids);
    }
    this.sampleExternal(procs, storeActive);
  }

  private sampleExternal(procs: Map<number, ProcInfo>, storeActive: boolean): void {
    if (this.externalServers.length === 0) return;
    const now = new Map(this.externalServers.map((s) => [s, treeTicks(procs, rootsNamed(procs, s))]));
    if (storeActive && this.lastExternal) {
      for (const [s, ticks] of now) this.external.set(s, (this.external.get(s) ?? 0) + Math.max(0, ticks - (this.lastExternal.get(s) ?? ticks)));
    }
    this.lastExternal = storeActive ? now : undefined;
  }
}
