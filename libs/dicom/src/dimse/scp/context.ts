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

/** One operation being performed; C-CANCEL-RQ or the end of the association aborts it. */
export class Operation {
  private readonly controller = new AbortController();
  private cancelledFlag = false;

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** True only for C-CANCEL-RQ (PS3.7 §9.1.5), not for the end of the association. */
  get cancelled(): boolean {
    return this.cancelledFlag;
  }

  cancel(): void {
    if (this.controller.signal.aborted) return;
    this.cancelledFlag = true;
    this.controller.abort(new Error('C-CANCEL-RQ received'));
  }

  end(reason: Error): void {
    this.controller.abort(reason);
  }

  /** Resolves when the operation is aborted for any reason. */
  whenAborted(): Promise<void> {
    const signal = this.controller.signal;
    if (signal.aborted) return Promise.resolve();
    return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  }
}

/** Drops what the handler did not read and waits for the rest of the data set (the response follows the whole request). */
export async function drain(request: Pick<InboundRequest, 'data' | 'dataComplete'>): Promise<void> {
  if (request.data && !request.data.readableEnded) request.data.destroy();
  await request.dataComplete;
}
