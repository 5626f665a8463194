// The Q/R SCP of the listener (PS3.4 Annex C): C-FIND forwarded to qr-service and its matches
// streamed back; C-MOVE and C-GET resolved there, then performed here, reading each object
// from storage and sending it as a C-STORE sub-operation (C-MOVE on a new association to the
// AE map's address of the destination, C-GET on the requestor's own association).
import { Readable } from 'node:stream';
import type { Span, Tracer } from '@opentelemetry/api';
import {
  connect, DimseStatusError, proposeStorage, Status, statusCategory, store as storeInstance,
  type Association, type DimseHandlers, type FindPending, type FindRequest, type GetRequest, type MoveRequest,
  type RetrieveGenerator, type RetrieveResult,
} from '@pacs/dicom';
import { queryModelOf, type AeMap, type AeMapEntry, type AePermission, type QrRequest, type RetrieveInstance } from '@pacs/domain';
import type { Logger } from '@pacs/platform';
import type { ObjectStore } from '@pacs/storage';
import { groupByContexts } from './context-groups';
import { tracedOperation } from './operation-span';
import { part10Bytes, part10Object } from '@pacs/runtime';
import { QrCancelled, type QrClient } from './qr-client';
import type { QrNegotiations } from './qr-negotiation';
import { runSubOperations, type SubOperationOutcome } from './sub-operations';

export interface QrScpOptions {
  /** Our AE title: the calling AE of C-MOVE sub-associations. */
  aeTitle: string;
  /** Callers missing from the AE map may query and retrieve (embedded mode default). */
  acceptUnknownCallingAe: boolean;
  /** Sub-operations in flight, within what the peer's asynchronous operations window allows. */
  retrieveParallelism: number;
  maxPduLength: number;
}


function outcomeOf(status: number): SubOperationOutcome {
  const category = statusCategory(status);
  return category === 'success' ? 'completed' : category === 'warning' ? 'warning' : 'failed';
}

/**
 * Matches sent between two turns of the event loop, where a C-CANCEL-RQ is read (PS3.7
 * §9.1.2.1.5). The pending responses in between leave in one write (DimseChannel.send), so a
 * turn per match would cost a write and a wake-up of the peer per match.
 */
const MATCHES_PER_TURN = 32;

const empty = (status: number, errorComment: string): RetrieveResult => ({ completed: 0, failed: 0, warning: 0, status, errorComment });

interface OpenedInstance {
  transferSyntaxUid: string;
  dataSet: Readable | Buffer;
  done(): void;
}

/**
 * The object store of a storage tier: a retrieve reads each instance from the location the
 * index offered (primary first, else a mirror or nearline copy: transparent nearline retrieval).
 */
export type TierObjectStores = (tier: string) => Promise<ObjectStore>;

/** The AE map as it is now (the live, database-backed source reloads it while we run). */
export interface CurrentAeMap {
  current(): AeMap;
}

export class QrScp {
  constructor(
    private readonly client: QrClient,
    private readonly objects: TierObjectStores,
    private readonly aeMap: CurrentAeMap,
    private readonly negotiations: QrNegotiations,
    private readonly options: QrScpOptions,
    private readonly tracer: Tracer,
    private readonly logger: Logger,
  ) {}

  /** find/move/get handlers for serveDimse; `parent` is the association's span. */
  handlers(parent: Span): Pick<DimseHandlers, 'find' | 'move' | 'get'> {
    return {
      find: (req) => tracedOperation(this.tracer, parent, 'C-FIND', req, () => this.find(req)),
      move: (req) => tracedOperation(this.tracer, parent, 'C-MOVE', req, () => this.move(req), { 'dicom.move_destination': req.moveDestination }),
      get: (req) => tracedOperation(this.tracer, parent, 'C-GET', req, () => this.get(req)),
    };
  }

  private permitted(callingAe: string, permission: AePermission): boolean {
    const entry = this.aeMap.current().lookup(callingAe);
    return entry ? entry[permission] : this.options.acceptUnknownCallingAe;
  }

  private request(req: FindRequest | MoveRequest | GetRequest): QrRequest {
    const agreed = this.negotiations.of(req.association.negotiated, req.model);
    return {
      sopClassUid: req.model,
      callingAeTitle: req.association.callingAeTitle,
      calledAeTitle: req.association.calledAeTitle,
      relational: agreed.relational,
      combinedDateTime: agreed.combinedDateTime,
      identifier: req.identifier,
    };
  }

  async *find(req: FindRequest): AsyncGenerator<FindPending> {
    if (!this.permitted(req.association.callingAeTitle, 'query')) {
      throw new DimseStatusError(Status.NotAuthorized, 'C-FIND', `${req.association.callingAeTitle} may not query this archive`);
    }
    try {
      let sent = 0;
      for await (const match of this.client.find(this.request(req), req.signal)) {
        yield match;
        // Matches can arrive faster than anything else happens: let a C-CANCEL-RQ in now and then.
        if (++sent % MATCHES_PER_TURN === 0) await new Promise((resolve) => setImmediate(resolve));
      }
    } catch (err) {
      // Cancelled: the DIMSE layer answers 0xFE00 itself.
      if (err instanceof QrCancelled) return;
      throw err;
    }
  }

  async *move(req: MoveRequest): RetrieveGenerator {
    const log = this.logger.child({ assocId: req.association.id, callingAe: req.association.callingAeTitle, destination: req.moveDestination });
    if (!this.permitted(req.association.callingAeTitle, 'retrieve')) return empty(Status.NotAuthorized, `${req.association.callingAeTitle} may not retrieve`);
    // PS3.4 C.4.2.1.4.1: the destination must be known, with an address (exact AE map entry).
    const destination = this.aeMap.current().destination(req.moveDestination);
    if (!destination || !destination.retrieve || destination.host === '' || destination.port === 0) {
      log.warn('C-MOVE destination unknown');
      return empty(Status.MoveDestinationUnknown, `move destination ${req.moveDestination.slice(0, 16)} unknown`);
    }
    const instances = await this.resolve(req, 'C-MOVE');
    if (!instances) return { completed: 0, failed: 0, warning: 0, remaining: 0 };
    if (instances.length === 0) return { completed: 0, failed: 0, warning: 0 };
    yield { remaining: instances.length, completed: 0, failed: 0, warning: 0 };

    const originator = { aeTitle: req.association.callingAeTitle, messageId: req.command.messageId };
    const totals = { completed: 0, failed: 0, warning: 0 };
    const failedUids: string[] = [];
    let refused = 0;
    let remaining = instances.length;
    for (const group of groupByContexts(instances)) {
      if (req.signal.aborted) break;
      let association: Association;
      try {
        association = await this.associate(destination, req.moveDestination.trim(), group);
      } catch (err) {
        log.warn({ err, host: destination.host, port: destination.port }, 'C-MOVE destination refused the association');
        refused += group.length;
        totals.failed += group.length;
        remaining -= group.length;
        failedUids.push(...group.map((i) => i.sopInstanceUid));
        continue;
      }
      const base = { ...totals };
      try {
        const run = runSubOperations(group, (instance) => this.sendTo(association, instance, originator, req.command.priority), {
          parallelism: this.options.retrieveParallelism,
          signal: req.signal,
        });
        for (;;) {
          const step = await run.next();
          if (step.done) {
            const r = step.value;
            Object.assign(totals, { completed: base.completed + r.completed, failed: base.failed + r.failed, warning: base.warning + r.warning });
            failedUids.push(...(r.failedSopInstanceUids ?? []));
            remaining -= group.length - (r.remaining ?? 0);
            break;
          }
          const p = step.value;
          yield {
            remaining: remaining - (group.length - p.remaining),
            completed: base.completed + p.completed,
            failed: base.failed + p.failed,
            warning: base.warning + p.warning,
          };
        }
      } finally {
        await association.release().catch(() => association.abort());
      }
    }
    log.info({ ...totals, remaining }, 'C-MOVE finished');
    if (refused === instances.length) {
      // PS3.4 C.4.2.1.5: A702, no sub-operation could be performed.
      return { ...totals, failedSopInstanceUids: failedUids, status: Status.OutOfResourcesSubOperations, errorComment: `${req.moveDestination.slice(0, 16)} refused the association` };
    }
    return { ...totals, remaining, failedSopInstanceUids: failedUids };
  }

  /**
   * The sub-association to a C-MOVE destination: one context per stored (SOP class, transfer
   * syntax), and an asynchronous operations window so several C-STOREs may be in flight.
   */
  private associate(destination: AeMapEntry, calledAeTitle: string, group: readonly RetrieveInstance[]): Promise<Association> {
    return connect({
      host: destination.host,
      port: destination.port,
      ...(destination.tls ? { tls: {} } : {}),
      callingAeTitle: this.options.aeTitle,
      calledAeTitle,
      presentationContexts: proposeStorage(group),
      userInformation: this.options.retrieveParallelism > 1
        ? [{ type: 'asynchronous-operations-window', maxOperationsInvoked: this.options.retrieveParallelism, maxOperationsPerformed: 1 }]
        : [],
      maxPduLength: this.options.maxPduLength,
    });
  }

  async *get(req: GetRequest): RetrieveGenerator {
    const log = this.logger.child({ assocId: req.association.id, callingAe: req.association.callingAeTitle });
    if (!this.permitted(req.association.callingAeTitle, 'retrieve')) return empty(Status.NotAuthorized, `${req.association.callingAeTitle} may not retrieve`);
    // Composite Instance Retrieve Without Bulk Data would need the pixel data left out: not offered.
    if (!queryModelOf(req.model)) return empty(Status.SOPClassNotSupported, 'this retrieve model is not supported');
    const instances = await this.resolve(req, 'C-GET');
    if (!instances) return { completed: 0, failed: 0, warning: 0, remaining: 0 };
    if (instances.length === 0) return { completed: 0, failed: 0, warning: 0 };
    yield { remaining: instances.length, completed: 0, failed: 0, warning: 0 };
    const result = yield* runSubOperations(
      instances,
      async (instance) => {
        const opened = await this.open(instance);
        if (!opened) return 'failed';
        // 0x0122 when the requestor offered no SCP role context for this class and syntax.
        const status = await req.sendSubOperation(instance.sopClassUid, instance.sopInstanceUid, opened.transferSyntaxUid, opened.dataSet);
        opened.done();
        return outcomeOf(status);
      },
      { parallelism: this.options.retrieveParallelism, signal: req.signal },
    );
    log.info({ completed: result.completed, failed: result.failed, warning: result.warning }, 'C-GET finished');
    return result;
  }

  /** The instances to send, or undefined when the request was cancelled meanwhile. */
  private async resolve(req: MoveRequest | GetRequest, service: 'C-MOVE' | 'C-GET'): Promise<RetrieveInstance[] | undefined> {
    try {
      return await this.client.resolve(this.request(req), service, req.signal);
    } catch (err) {
      if (err instanceof QrCancelled) return undefined;
      throw err;
    }
  }

  /**
   * The stored object's data set, whole when small, else streamed; undefined (logged) when it
   * cannot be read. `done` must be called once the sub-operation's C-STORE succeeded or failed
   * with a response: a lent buffer then goes back to the store (after an error it is left to
   * the garbage collector, as a socket may still hold it).
   */
  private async open(instance: RetrieveInstance): Promise<OpenedInstance | undefined> {
    const log = this.logger.child({ sopInstanceUid: instance.sopInstanceUid, tier: instance.tier, key: instance.storageKey });
    if (!instance.storageKey || !instance.tier) {
      log.warn('instance has no usable stored copy');
      return undefined;
    }
    try {
      const store = await this.objects(instance.tier);
      const object = await store.borrow(instance.storageKey);
      if (object instanceof Readable) {
        const { meta, dataSet } = await part10Object(object);
        return { transferSyntaxUid: meta.transferSyntaxUid, dataSet, done: () => undefined };
      }
      try {
        const { meta, dataSet } = part10Bytes(object.bytes);
        return { transferSyntaxUid: meta.transferSyntaxUid, dataSet, done: object.giveBack };
      } catch (err) {
        object.giveBack();
        throw err;
      }
    } catch (err) {
      log.warn({ err }, 'stored object cannot be read for a sub-operation');
      return undefined;
    }
  }

  private async sendTo(association: Association, instance: RetrieveInstance, moveOriginator: { aeTitle: string; messageId: number }, priority: number): Promise<SubOperationOutcome> {
    const opened = await this.open(instance);
    if (!opened) return 'failed';
    try {
      const rsp = await storeInstance(association, {
        sopClassUid: instance.sopClassUid,
        sopInstanceUid: instance.sopInstanceUid,
        transferSyntaxUid: opened.transferSyntaxUid,
        dataSet: opened.dataSet,
        moveOriginator,
        priority,
      });
      opened.done();
      const outcome = outcomeOf(rsp.status);
      if (outcome === 'failed') this.logger.warn({ sopInstanceUid: instance.sopInstanceUid, status: `0x${rsp.status.toString(16).padStart(4, '0')}`, comment: rsp.errorComment }, 'C-MOVE sub-operation refused by the destination');
      return outcome;
    } catch (err) {
      if (!Buffer.isBuffer(opened.dataSet)) opened.dataSet.destroy();
      this.logger.warn({ err, sopInstanceUid: instance.sopInstanceUid }, 'C-MOVE sub-operation failed');
      return 'failed';
    }
  }
}
