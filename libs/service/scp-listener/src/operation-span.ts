// A span per Q/R DIMSE operation, child of the association's span, started when the operation
// starts and ended with it (completed, failed or cancelled), carrying the final status.
import { context as otelContext, SpanStatusCode, trace, type Span, type Tracer } from '@opentelemetry/api';
import { DimseStatusError, retrieveStatus, Status, statusCategory, type FindRequest, type GetRequest, type MoveRequest, type RetrieveResult } from '@pacs/dicom';

export function tracedOperation<T, R>(
  tracer: Tracer, parent: Span, name: string, req: FindRequest | MoveRequest | GetRequest, work: () => AsyncGenerator<T, R, void>, attributes: Record<string, string> = {},
): AsyncGenerator<T, R, void> {
  return (async function* () {
    const span = tracer.startSpan(name, { attributes: { 'dicom.sop_class_uid': req.model, ...attributes } }, trace.setSpan(otelContext.active(), parent));
    let status: number = Status.Cancel;
    try {
      const result = yield* work();
      // C-MOVE/C-GET return their counters; C-FIND returns nothing.
      status = result && typeof result === 'object' ? retrieveStatus(result as unknown as RetrieveResult, req.signal.aborted) : req.signal.aborted ? Status.Cancel : Status.Success;
      return result;
    } catch (err) {
      status = err instanceof DimseStatusError ? err.status : Status.UnableToProcess;
      throw err;
    } finally {
      span.setAttribute('dicom.status', status);
      if (statusCategory(status) === 'failure') span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    }
  })();
}
