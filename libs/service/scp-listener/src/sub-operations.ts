// The sub-operations of a C-MOVE or C-GET (PS3.4 C.4.2.3, C.4.3.3): several in flight when the
// association allows it, a pending response after each one completes, the counters and the
// Failed SOP Instance UID List at the end. A cancel stops starting new ones; those in flight
// finish (PS3.4 C.4.2.3.1).
import type { RetrieveGenerator, RetrieveProgress } from '@pacs/dicom';
import type { RetrieveInstance } from '@pacs/domain';

export type SubOperationOutcome = 'completed' | 'warning' | 'failed';

export interface SubOperationRun {
  parallelism: number;
  signal: AbortSignal;
}

export async function* runSubOperations(
  instances: readonly RetrieveInstance[],
  perform: (instance: RetrieveInstance) => Promise<SubOperationOutcome>,
  { parallelism, signal }: SubOperationRun,
): RetrieveGenerator {
  const counters = { completed: 0, failed: 0, warning: 0 };
  const failedSopInstanceUids: string[] = [];
  const inFlight = new Map<number, Promise<{ index: number; outcome: SubOperationOutcome }>>();
  let next = 0;
  const progress = (): RetrieveProgress => ({ remaining: instances.length - counters.completed - counters.failed - counters.warning, ...counters });
  for (;;) {
    while (!signal.aborted && inFlight.size < Math.max(1, parallelism) && next < instances.length) {
      const index = next++;
      const instance = instances[index] as RetrieveInstance;
      inFlight.set(index, perform(instance).catch((): SubOperationOutcome => 'failed').then((outcome) => ({ index, outcome })));
    }
    if (inFlight.size === 0) break;
    const { index, outcome } = await Promise.race(inFlight.values());
    inFlight.delete(index);
    counters[outcome]++;
    if (outcome === 'failed') failedSopInstanceUids.push((instances[index] as RetrieveInstance).sopInstanceUid);
    yield progress();
  }
  return { ...counters, remaining: progress().remaining, failedSopInstanceUids };
}
