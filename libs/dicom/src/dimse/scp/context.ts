// What the per-service SCP functions share: the channel, the handlers, the options, and one
// operation's cancellation state.
import type { DimseChannel } from '../channel/dimse-channel';
import type { InboundRequest } from '../channel/inbound';
import type { AssociationInfo, DimseHandlers } from './handlers';

export interface ScpContext {
  readonly channel: DimseChannel;
  readonly handlers: DimseHandlers;
  readonly storeFailureStatus: number;
  readonly maxIdentifierLength: number;
  readonly pendingIntervalMs: number;
  readonly info: AssociationInfo;
  reportError(error: unknown, service: string): void;
}

/**
 * One operation being performed; C-CANCEL-RQ or the end of the association aborts it. The
 * AbortController is made only when someone asks for the signal: creating one costs about as
 * much as decoding the C-STORE-RQ, and a C-STORE handler rarely looks (C-CANCEL applies to
 * C-FIND, C-MOVE and C-GET only, PS3.7 §9.1.5).
 */
export class Operation {
  private controller: AbortController | undefined;
  private reason: Error | undefined;
  private cancelledFlag = false;

  get signal(): AbortSignal {
    this.controller ??= this.reason ? abortedController(this.reason) : new AbortController();
    return this.controller.signal;
  }

  /** Aborted for any reason (C-CANCEL or the end of the association). */
  get aborted(): boolean {
    return this.reason !== undefined;
  }

  /** True only for C-CANCEL-RQ (PS3.7 §9.1.5), not for the end of the association. */
  get cancelled(): boolean {
    return this.cancelledFlag;
  }

  cancel(): void {
    if (this.aborted) return;
    this.cancelledFlag = true;
    this.abort(new Error('C-CANCEL-RQ received'));
  }

  end(reason: Error): void {
    this.abort(reason);
  }

  /** Resolves when the operation is aborted for any reason. */
  whenAborted(): Promise<void> {
    if (this.aborted) return Promise.resolve();
    const signal = this.signal;
    return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  }

  private abort(reason: Error): void {
    if (this.aborted) return;
    this.reason = reason;
    this.controller?.abort(reason);
  }
}

function abortedController(reason: Error): AbortController {
  const controller = new AbortController();
  controller.abort(reason);
  return controller;
}

/** Drops what the handler did not read and waits for the rest of the data set (the response follows the whole request). */
export async function drain(request: Pick<InboundRequest, 'data' | 'dataComplete'>): Promise<void> {
  if (request.data && !request.data.readableEnded) request.data.destroy();
  await request.dataComplete;
}
