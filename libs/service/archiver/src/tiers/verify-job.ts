// Periodic verification: the stored bytes of a sample of copies (the least recently verified
// first) are hashed and compared with the index; the outcome is a verify_report row. A copy
// that is gone or whose bytes differ stops being offered (status missing), so retrieval and
// the mirror use another copy; the mirror backfill then makes a new one.
import { createHash } from 'node:crypto';
import { ObjectNotFoundError } from '@pacs/storage';
import type { ClaimedJob, TierLocationRepository, VerifyReport } from '@pacs/persistence';
import type { Logger } from '@pacs/platform';
import { DONE, JOB_KINDS, type JobHandler, type JobOutcome } from '../jobs/job-handler';
import type { TierStores } from './tier-stores';

export class VerifyJob implements JobHandler {
  readonly kind = JOB_KINDS.verify;

  constructor(
    private readonly locations: TierLocationRepository,
    private readonly stores: TierStores,
    private readonly options: { sample: number; retryDelayMs: number },
    private readonly logger: Logger,
  ) {}

  retryDelayMs(): number {
    return this.options.retryDelayMs;
  }

  async run(_job: ClaimedJob, signal: AbortSignal): Promise<JobOutcome> {
    const report: VerifyReport = { startedAt: new Date(), checked: 0, ok: 0, mismatched: 0, missing: 0, unreadable: 0, problems: [] };
    for (const location of await this.locations.sampleForVerify(this.options.sample)) {
      signal.throwIfAborted();
      report.checked++;
      let problem: 'missing' | 'mismatched' | 'unreadable' | undefined;
      try {
        const store = await this.stores(location.tier);
        const hash = createHash('sha256');
        for await (const chunk of await store.get(location.key)) hash.update(chunk as Buffer);
        if (hash.digest('hex') !== location.digest) problem = 'mismatched';
      } catch (err) {
        problem = err instanceof ObjectNotFoundError ? 'missing' : 'unreadable';
        if (problem === 'unreadable') this.logger.warn({ err, tier: location.tier, key: location.key }, 'copy could not be read for verification');
      }
      if (problem === undefined) {
        report.ok++;
        await this.locations.recordVerified(location.id, location.key, true);
        continue;
      }
      report[problem]++;
      report.problems.push({ tier: location.tier, key: location.key, problem });
      // Unreadable may be an outage of the store: the copy stays offered, the report shows it.
      if (problem !== 'unreadable') await this.locations.recordVerified(location.id, location.key, false);
    }
    const id = await this.locations.saveVerifyReport(report);
    const level = report.mismatched + report.missing + report.unreadable > 0 ? 'warn' : 'info';
    this.logger[level]({ reportId: id, checked: report.checked, ok: report.ok, mismatched: report.mismatched, missing: report.missing, unreadable: report.unreadable }, 'verify run finished');
    return DONE;
  }
}
