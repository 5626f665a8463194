import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { test } from 'node:test';
import type { AAssociateRq, Association, DimseHandlers, StoreRequest } from '@pacs/dicom';
import { AssociationSummaryRecorder } from './association-summary';

/** The events of an association as net/association.ts emits them (no socket). */
function association(): Association {
  return Object.assign(new EventEmitter(), { id: 'a1', remoteAddress: '10.0.0.7', transport: { remotePort: 40000 } }) as unknown as Association;
}

const store = (sopInstanceUid: string) => ({ sopInstanceUid } as unknown as StoreRequest);

test('summary of a released association: calling/called AE from the A-ASSOCIATE-RQ, operations counted, failures with their status (PS3.7 C.1)', async () => {
  const a = association();
  const recorder = new AssociationSummaryRecorder(a);
  a.emit('requested', { callingAeTitle: 'MODALITY        ', calledAeTitle: 'PACS' } as AAssociateRq);
  const statuses = [0x0000, 0xb007, 0xa700, 0x0124];
  let i = 0;
  const handlers = recorder.observe({ store: async () => ({ status: statuses[i++]!, ...(i === 4 ? { errorComment: 'not allowed' } : {}) }) } satisfies DimseHandlers);
  for (const uid of ['1', '2', '3', '4']) await handlers.store!(store(uid));
  a.emit('released');
  const s = recorder.summary();
  assert.deepEqual(
    { callingAe: s.callingAe, calledAe: s.calledAe, peer: s.peer, outcome: s.outcome, operations: s.operations, failureCount: s.failureCount, failures: s.failures },
    {
      callingAe: 'MODALITY', calledAe: 'PACS', peer: '10.0.0.7:40000', outcome: 'released', operations: { 'C-STORE': 4 }, failureCount: 2,
      failures: [{ operation: 'C-STORE', status: 0xa700, sopInstanceUid: '3' }, { operation: 'C-STORE', status: 0x0124, sopInstanceUid: '4', comment: 'not allowed' }],
    },
  );
});

test('A-ASSOCIATE-RJ and A-ABORT are the outcome, with their source and reason', () => {
  const rejected = association();
  const r = new AssociationSummaryRecorder(rejected);
  rejected.emit('rejected', { type: 'A-ASSOCIATE-RJ', result: 1, source: 1, reason: 3 });
  assert.deepEqual([r.summary().outcome, r.summary().rejection], ['rejected', { result: 1, source: 1, reason: 3 }]);
  const aborted = association();
  const b = new AssociationSummaryRecorder(aborted);
  aborted.emit('aborted', { source: 2, reason: 0, initiator: 'transport', cause: 'ECONNRESET' });
  assert.deepEqual([b.summary().outcome, b.summary().abort], ['aborted', { source: 2, reason: 0, initiator: 'transport', cause: 'ECONNRESET' }]);
});
