// The archiver's metrics (OpenTelemetry, exported on the Prometheus endpoint): bytes and
// objects per tier, jobs by kind and state, the outbox backlog, finished and failed jobs.
// Gauges come from the database, read in the background rather than per scrape: job counts and
// the outbox backlog every refreshMs, the bytes and objects per tier (a full count of the object
// locations: 270 ms of PostgreSQL per 10^6 locations, on every archiver replica) every
// usageRefreshMs, enough for capacity graphs.
import type { Meter } from '@opentelemetry/api';
import type { ArchiveOutbox, JobCount, JobQueue, TierLocationRepository, TierUsage } from '@pacs/persistence';
import type { Logger } from '@pacs/platform';
import type { JobEvents } from './jobs/job-worker';

export const TIER_USAGE_REFRESH_MS = 5 * 60_000;

export class ArchiveMetrics implements JobEvents {
  private usage: TierUsage[] = [];
  private jobs: JobCount[] = [];
  private backlog = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly completedCounter;
  private readonly failureCounter;
  private readonly forwardedCounter;

  constructor(
    meter: Meter,
    private readonly sources: { locations: TierLocationRepository; queue: JobQueue; outbox: ArchiveOutbox },
    private readonly refreshMs: number,
    private readonly logger: Logger,
    private readonly usageRefreshMs = TIER_USAGE_REFRESH_MS,
  ) {
    meter.createObservableGauge('pacs_archiver_tier_bytes', { description: 'Bytes of stored copies per storage tier (all location states)', unit: 'By' })
      .addCallback((r) => this.usage.forEach((u) => r.observe(u.bytes, { tier: u.tier })));
    meter.createObservableGauge('pacs_archiver_tier_objects', { description: 'Stored copies per storage tier' })
      .addCallback((r) => this.usage.forEach((u) => r.observe(u.objects, { tier: u.tier })));
    meter.createObservableGauge('pacs_archiver_jobs', { description: 'Archive jobs queued, running or failed (kept for archiver.jobRetentionDays), by kind and state; finished ones are counted by pacs_archiver_jobs_completed_total' })
      .addCallback((r) => this.jobs.forEach((j) => r.observe(j.count, { kind: j.kind, state: j.state })));
    meter.createObservableGauge('pacs_archiver_outbox_backlog', { description: 'New object locations not yet turned into archive jobs' })
      .addCallback((r) => r.observe(this.backlog));
    this.completedCounter = meter.createCounter('pacs_archiver_jobs_completed_total', { description: 'Archive jobs finished, by kind' });
    this.failureCounter = meter.createCounter('pacs_archiver_job_failures_total', { description: 'Failed archive job attempts, by kind; final="true" when the job gave up' });
    this.forwardedCounter = meter.createCounter('pacs_archiver_forwarded_instances_total', { description: 'Instances forwarded by forwarding rules' });
  }

  start(): void {
    let usageReadAt = -Infinity;
    const refresh = async () => {
      try {
        const now = performance.now();
        const usageDue = now - usageReadAt >= this.usageRefreshMs;
        [this.usage, this.jobs, this.backlog] = await Promise.all([
          usageDue ? this.sources.locations.usagePerTier() : this.usage, this.sources.queue.counts(), this.sources.outbox.backlog(),
        ]);
        // A failed read is tried again at the next refresh.
        if (usageDue) usageReadAt = now;
      } catch (err) {
        this.logger.debug({ err }, 'archive metrics refresh failed');
      }
      this.timer = setTimeout(() => void refresh(), this.refreshMs);
      this.timer.unref();
    };
    void refresh();
  }

  stop(): void {
    clearTimeout(this.timer);
  }

  completed(kind: string): void {
    this.completedCounter.add(1, { kind });
  }

  failed(kind: string, final: boolean): void {
    this.failureCounter.add(1, { kind, final: String(final) });
  }

  forwarded(instances: number): void {
    if (instances > 0) this.forwardedCounter.add(instances);
  }
}
