// Forwarding (Conquest ExportConverters "forward to AE"): sends the instances of one job on one
// association (PS3.7 §9.1.1 C-STORE as SCU, PS3.8 association to the AE map's address).
// Instances the destination did not take stay in the job for the next attempt, after the
// rule's hold-off or retry delay; once the job is done it is never claimed again.
import { connect, proposeStorage, statusCategory, store, type Association } from '@pacs/dicom';
import { forwardRetryDelay, type ForwardRetryConfig } from '@pacs/domain';
import type { ClaimedJob, StoredInstance, TierLocationRepository } from '@pacs/persistence';
import type { Logger } from '@pacs/platform';
import { part10Object } from '@pacs/runtime';
import { DONE, JOB_KINDS, JobAttemptError, PermanentJobError, type JobHandler, type JobOutcome } from '../jobs/job-handler';
import type { TierStores } from '../tiers/tier-stores';
import type { ForwardDestinations } from './forward-destinations';

export interface ForwardPayload {
  rule: string;
  destination: string;
  level: string;
  /** What is still to be sent: after a failed attempt only the instances the destination did not take. */
  instances: string[];
  retry: ForwardRetryConfig;
  /** Instances the job started with (set by whoever enqueues it, e.g. a send job of the admin API), for progress. */
  total?: number;
  /** Instances taken by the destination in earlier attempts, for progress. */
  sent?: number;
}

export interface ForwardJobOptions {
  /** Our AE title: the calling AE of the association. */
  aeTitle: string;
  connectTimeoutMs: number;
  maxPduLength: number;
  /** Tiers copies are read from, preferred first. */
  readOrder: readonly string[];
}

export class ForwardJob implements JobHandler {
  readonly kind = JOB_KINDS.forward;

  constructor(
    private readonly locations: TierLocationRepository,
    private readonly stores: TierStores,
    private readonly destinations: ForwardDestinations,
    private readonly options: ForwardJobOptions,
    private readonly logger: Logger,
    private readonly sent?: (instances: number) => void,
  ) {}

  retryDelayMs(job: ClaimedJob): number {
    const retry = (job.payload as unknown as ForwardPayload).retry;
    return forwardRetryDelay(job.attempts, retry ?? { maxAttempts: 1, holdOffMs: 60_000, retryDelayMs: 60_000 });
  }

  async run(job: ClaimedJob, signal: AbortSignal): Promise<JobOutcome> {
    const payload = job.payload as unknown as ForwardPayload;
    if (typeof payload.destination !== 'string' || !Array.isArray(payload.instances)) throw new PermanentJobError('forward job without destination and instances');
    const log = this.logger.child({ jobId: job.id, rule: payload.rule, destination: payload.destination, level: payload.level });
    const entry = this.destinations.destination(payload.destination);
    if (!entry || !entry.host) throw new JobAttemptError(`${payload.destination} is not in the AE map with an address`);
    if (entry.tls) throw new JobAttemptError(`${payload.destination} listens with TLS; forwarding over TLS is not configured`);

    const instances = await this.locations.instancesByUid([...new Set(payload.instances)]);
    if (instances.length === 0) return DONE; // deleted meanwhile
    const failed: string[] = [];
    let association: Association;
    try {
      association = await connect({
        host: entry.host,
        port: entry.port,
        callingAeTitle: this.options.aeTitle,
        calledAeTitle: payload.destination,
        presentationContexts: proposeStorage(instances),
        timeoutMs: this.options.connectTimeoutMs,
        maxPduLength: this.options.maxPduLength,
      });
    } catch (err) {
      throw new JobAttemptError(`association with ${payload.destination} at ${entry.host}:${entry.port} failed: ${err instanceof Error ? err.message : String(err)}`, undefined, { cause: err });
    }
    let sent = 0;
    try {
      for (const instance of instances) {
        if (signal.aborted) {
          failed.push(instance.sopInstanceUid);
          continue;
        }
        if (await this.send(association, instance, log)) sent++;
        else failed.push(instance.sopInstanceUid);
      }
    } finally {
      await association.release().catch(() => association.abort());
    }
    this.sent?.(sent);
    signal.throwIfAborted();
    if (failed.length > 0) {
      throw new JobAttemptError(`${failed.length} of ${instances.length} instances not taken by ${payload.destination}`, { ...payload, instances: failed, sent: (payload.sent ?? 0) + sent });
    }
    log.info({ instances: sent }, 'forwarded');
    return DONE;
  }

  private async send(association: Association, instance: StoredInstance, log: Logger): Promise<boolean> {
    const location = this.options.readOrder
      .map((tier) => instance.locations.find((l) => l.tier === tier && l.status === 'ok'))
      .find((l) => l !== undefined) ?? instance.locations.find((l) => l.status === 'ok');
    if (!location) {
      log.warn({ sopInstanceUid: instance.sopInstanceUid }, 'no readable copy to forward');
      return false;
    }
    try {
      const { meta, dataSet } = await part10Object(await (await this.stores(location.tier)).get(location.key));
      const rsp = await store(association, { sopClassUid: instance.sopClassUid, sopInstanceUid: instance.sopInstanceUid, transferSyntaxUid: meta.transferSyntaxUid, dataSet });
      // Success or warning: the destination has the instance (PS3.4 Annex B.2.3).
      if (statusCategory(rsp.status) !== 'failure') return true;
      log.warn({ sopInstanceUid: instance.sopInstanceUid, status: `0x${rsp.status.toString(16).padStart(4, '0')}`, comment: rsp.errorComment }, 'forward refused by the destination');
      return false;
    } catch (err) {
      log.warn({ err, sopInstanceUid: instance.sopInstanceUid }, 'forwarding an instance failed');
      return false;
    }
  }
}
