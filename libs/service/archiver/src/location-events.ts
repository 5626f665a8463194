// Turns new object locations (the outbox the indexer's transaction fills) into jobs: a mirror
// copy per mirror tier and the forwards the rules ask for. Any replica drains the outbox; each
// event is taken by exactly one (SKIP LOCKED) and turned into jobs in the same transaction.
//
// Why not a second JetStream consumer of instance.received: the ingest stream has work-queue
// retention (one consumer per subject), and an event is not yet an indexed instance; the
// outbox only holds what the index committed, with the attributes rules need.
import { planForwards, roleOf, type CompiledForwardRule, type TierPlan } from '@pacs/domain';
import type { ArchiveOutbox, NewJob, NewLocationEvent } from '@pacs/persistence';
import type { Logger } from '@pacs/platform';
import { BatchLoop } from './jobs/batch-loop';
import { JOB_KINDS } from './jobs/job-handler';
import type { ForwardPayload } from './forwarding/forward-job';
import type { ForwardRulesSource } from './forwarding/forward-rules-source';
import { mirrorTarget, type MirrorPayload } from './tiers/mirror-job';

const BATCH = 200;

export interface LocationEventOptions {
  pollIntervalMs: number;
  /** Our AE title: the Called AE of every reception (the listener accepts no other). */
  calledAe: string;
  maxAttempts: number;
}

/** The jobs for a batch of new locations (pure apart from the rules given). */
export function jobsFor(events: readonly NewLocationEvent[], plan: TierPlan, rules: readonly CompiledForwardRule[], options: Pick<LocationEventOptions, 'calledAe' | 'maxAttempts'>): NewJob[] {
  const jobs: NewJob[] = [];
  for (const event of events) {
    // A copy made by the archiver (a move to nearline) is not a new object.
    if (roleOf(plan, event.tier) !== 'primary') continue;
    for (const mirror of plan.mirrors) {
      const payload: MirrorPayload = { instanceId: event.instanceId, tier: mirror };
      jobs.push({ kind: JOB_KINDS.mirror, target: mirrorTarget(event.instanceId, mirror), payload: { ...payload }, maxAttempts: options.maxAttempts, delayMs: 0 });
    }
    const subject = {
      callingAe: event.sourceAe, calledAe: options.calledAe, sopClassUid: event.sopClassUid, modality: event.modality, stationName: event.stationName, attributes: event.attributes,
    };
    for (const spec of planForwards(rules, subject, event)) {
      const payload: ForwardPayload = { rule: spec.rule, destination: spec.destination, level: spec.level, instances: [event.sopInstanceUid], retry: spec.retry };
      jobs.push({
        kind: JOB_KINDS.forward,
        target: spec.target,
        payload: { ...payload },
        maxAttempts: spec.retry.maxAttempts,
        delayMs: spec.delayMs,
        ...(spec.level === 'instance' ? {} : { join: { stableMs: spec.stableMs } }),
      });
    }
  }
  return jobs;
}

export class LocationEventPump {
  private readonly loop: BatchLoop;

  constructor(
    private readonly outbox: ArchiveOutbox,
    private readonly plan: TierPlan,
    private readonly rules: ForwardRulesSource,
    private readonly options: LocationEventOptions,
    logger: Logger,
  ) {
    this.loop = new BatchLoop(() => this.drainOnce(), {
      batch: BATCH,
      pollIntervalMs: options.pollIntervalMs,
      onError: (err) => logger.warn({ err }, 'turning new objects into archive jobs failed; trying again'),
    });
  }

  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  async drainOnce(): Promise<number> {
    const rules = await this.rules.current();
    const needs = rules.length > 0 ? 'attributes' : this.plan.mirrors.length > 0 ? 'locations' : 'nothing';
    return this.outbox.drain(BATCH, (events) => jobsFor(events, this.plan, rules, this.options), needs);
  }
}
