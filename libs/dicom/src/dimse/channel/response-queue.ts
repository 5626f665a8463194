// The responses to one request, in arrival order, ending with the first non-pending one
// (PS3.7 §9.1.2.1.6: pending statuses FF00/FF01 announce more responses).
import { statusCategory } from '../commands';
import type { InboundResponse } from './inbound';

export interface ResponseStream extends AsyncIterable<InboundResponse> {
  readonly messageId: number;
  /** The final (non-pending) response; rejects when the association ends first. */
  readonly final: Promise<InboundResponse>;
}

const noop = (): void => undefined;

export class ResponseQueue implements ResponseStream {
  readonly final: Promise<InboundResponse>;
  private resolveFinal!: (r: InboundResponse) => void;
  private rejectFinal!: (e: Error) => void;
  private readonly items: InboundResponse[] = [];
  private waiter: (() => void) | undefined;
  private ended = false;
  private failure: Error | undefined;

  constructor(readonly messageId: number) {
    this.final = new Promise((resolve, reject) => {
      this.resolveFinal = resolve;
      this.rejectFinal = reject;
    });
    // Callers that only iterate must not trigger an unhandled rejection.
    this.final.catch(noop);
  }

  /** Returns true when this was the final response. */
  push(response: InboundResponse): boolean {
    if (this.ended) return true;
    this.items.push(response);
    const status = response.command.status;
    const last = status === undefined || statusCategory(status) !== 'pending';
    if (last) {
      this.ended = true;
      this.resolveFinal(response);
    }
    this.wake();
    return last;
  }

  fail(error: Error): void {
    if (this.ended) return;
    this.ended = true;
    this.failure = error;
    this.rejectFinal(error);
    this.wake();
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<InboundResponse> {
    for (;;) {
      const next = this.items.shift();
      if (next) {
        yield next;
        continue;
      }
      if (this.ended) {
        if (this.failure) throw this.failure;
        return;
      }
      await new Promise<void>((resolve) => (this.waiter = resolve));
    }
  }
}
